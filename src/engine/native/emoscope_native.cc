// Native convolution kernels for emoscope's TF.js wasm backend, run by oneDNN (the library PyTorch
// uses on CPU): multi-threaded, AVX-512 where the processor has it. Tensors are read and written
// in place on the wasm heap (an ArrayBuffer) at the byte offsets TF.js's wasm backend gives them.
// Layouts are TF.js's: activations NHWC, filters HWIO.
#include <node_api.h>
#include <dnnl.hpp>
#include <omp.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <string>
#include <vector>

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

engine& cpu() {
  static engine eng(engine::kind::cpu, 0);
  return eng;
}

stream& strm() {
  static stream s(cpu());
  return s;
}

struct Args {
  float* heap = nullptr;
  size_t heapBytes = 0;
  std::vector<int64_t> ints;
  std::vector<double> reals;  // the same numbers unrounded, for attributes such as epsilon
};

// JS call shape: fn(heap: ArrayBuffer, ints: Int32Array|number[]) with all sizes and offsets in `ints`.
bool readArgs(napi_env env, napi_callback_info info, Args& out) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) return false;
  void* data = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &data, &out.heapBytes) != napi_ok) return false;
  out.heap = static_cast<float*>(data);
  uint32_t len = 0;
  napi_get_array_length(env, argv[1], &len);
  out.ints.resize(len);
  out.reals.resize(len);
  for (uint32_t i = 0; i < len; i++) {
    napi_value v;
    napi_get_element(env, argv[1], i, &v);
    double d;
    if (napi_get_value_double(env, v, &d) != napi_ok) return false;
    out.reals[i] = d;
    out.ints[i] = static_cast<int64_t>(d);
  }
  return true;
}

float* at(const Args& a, int64_t byteOffset) { return a.heap + byteOffset / 4; }

// ints layout shared by the three conv functions:
// 0 N, 1 H, 2 W, 3 C, 4 KH, 5 KW, 6 CO, 7 OH, 8 OW, 9 sh, 10 sw, 11 pt, 12 pb, 13 pl, 14 pr,
// 15 xOff, 16 wOff, 17 yOff, 18 biasOff (-1: none), 19 relu (0/1)
struct Conv {
  memory::dims src, wei, dst, bias, strides, padL, padR;
  Conv(const std::vector<int64_t>& i)
      : src{i[0], i[3], i[1], i[2]},
        wei{i[6], i[3], i[4], i[5]},
        dst{i[0], i[6], i[7], i[8]},
        bias{i[6]},
        strides{i[9], i[10]},
        padL{i[11], i[13]},
        padR{i[12], i[14]} {}
};

napi_value throwError(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

napi_value conv2dForward(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return throwError(env, "conv2dForward: bad arguments");
  try {
    Conv c(a.ints);
    const bool hasBias = a.ints[18] >= 0;
    memory::desc srcMd(c.src, dt::f32, tag::nhwc), dstMd(c.dst, dt::f32, tag::nhwc);
    memory::desc weiAny(c.wei, dt::f32, tag::any), biasMd(c.bias, dt::f32, tag::a);
    memory::desc weiUser(c.wei, dt::f32, tag::hwio);
    post_ops ops;
    if (a.ints[19]) ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
    primitive_attr attr;
    attr.set_post_ops(ops);
    auto d = hasBias ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, srcMd, weiAny, biasMd, dstMd, c.strides, c.padL, c.padR)
                     : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, srcMd, weiAny, dstMd, c.strides, c.padL, c.padR);
    convolution_forward::primitive_desc pd(d, attr, cpu());
    memory src(srcMd, cpu(), at(a, a.ints[15])), dst(dstMd, cpu(), at(a, a.ints[17]));
    memory weiU(weiUser, cpu(), at(a, a.ints[16]));
    memory wei = weiU;
    if (pd.weights_desc() != weiUser) {
      wei = memory(pd.weights_desc(), cpu());
      reorder(weiU, wei).execute(strm(), weiU, wei);
    }
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
    if (hasBias) args.insert({DNNL_ARG_BIAS, memory(biasMd, cpu(), at(a, a.ints[18]))});
    convolution_forward(pd).execute(strm(), args);
    strm().wait();
  } catch (const std::exception& e) {
    return throwError(env, std::string("conv2dForward: ") + e.what());
  }
  return nullptr;
}

// dx = backward data: ints as above with 15 dxOff, 16 wOff, 17 dyOff.
napi_value conv2dBackwardData(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return throwError(env, "conv2dBackwardData: bad arguments");
  try {
    Conv c(a.ints);
    memory::desc srcMd(c.src, dt::f32, tag::nhwc), dstMd(c.dst, dt::f32, tag::nhwc);
    memory::desc weiAny(c.wei, dt::f32, tag::any), weiUser(c.wei, dt::f32, tag::hwio);
    convolution_forward::desc fd(prop_kind::forward_training, algorithm::convolution_direct, srcMd, weiAny, dstMd, c.strides, c.padL, c.padR);
    convolution_forward::primitive_desc fpd(fd, cpu());
    convolution_backward_data::desc bd(algorithm::convolution_direct, srcMd, weiAny, dstMd, c.strides, c.padL, c.padR);
    convolution_backward_data::primitive_desc pd(bd, cpu(), fpd);
    memory dx(srcMd, cpu(), at(a, a.ints[15])), dy(dstMd, cpu(), at(a, a.ints[17]));
    memory weiU(weiUser, cpu(), at(a, a.ints[16]));
    memory wei = weiU;
    if (pd.weights_desc() != weiUser) {
      wei = memory(pd.weights_desc(), cpu());
      reorder(weiU, wei).execute(strm(), weiU, wei);
    }
    convolution_backward_data(pd).execute(strm(), {{DNNL_ARG_DIFF_SRC, dx}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_DST, dy}});
    strm().wait();
  } catch (const std::exception& e) {
    return throwError(env, std::string("conv2dBackwardData: ") + e.what());
  }
  return nullptr;
}

// dW = backward weights: ints as above with 15 xOff, 16 dwOff, 17 dyOff, 18 dbiasOff (-1: none).
napi_value conv2dBackwardWeights(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a)) return throwError(env, "conv2dBackwardWeights: bad arguments");
  try {
    Conv c(a.ints);
    const bool hasBias = a.ints[18] >= 0;
    memory::desc srcMd(c.src, dt::f32, tag::nhwc), dstMd(c.dst, dt::f32, tag::nhwc);
    memory::desc weiAny(c.wei, dt::f32, tag::any), weiUser(c.wei, dt::f32, tag::hwio), biasMd(c.bias, dt::f32, tag::a);
    convolution_forward::desc fd(prop_kind::forward_training, algorithm::convolution_direct, srcMd, weiAny, dstMd, c.strides, c.padL, c.padR);
    convolution_forward::primitive_desc fpd(fd, cpu());
    auto bd = hasBias ? convolution_backward_weights::desc(algorithm::convolution_direct, srcMd, weiAny, biasMd, dstMd, c.strides, c.padL, c.padR)
                      : convolution_backward_weights::desc(algorithm::convolution_direct, srcMd, weiAny, dstMd, c.strides, c.padL, c.padR);
    convolution_backward_weights::primitive_desc pd(bd, cpu(), fpd);
    memory x(srcMd, cpu(), at(a, a.ints[15])), dy(dstMd, cpu(), at(a, a.ints[17]));
    memory dwU(weiUser, cpu(), at(a, a.ints[16]));
    memory dw = dwU;
    if (pd.diff_weights_desc() != weiUser) dw = memory(pd.diff_weights_desc(), cpu());
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, dw}};
    if (hasBias) args.insert({DNNL_ARG_DIFF_BIAS, memory(biasMd, cpu(), at(a, a.ints[18]))});
    convolution_backward_weights(pd).execute(strm(), args);
    if (dw != dwU) reorder(dw, dwU).execute(strm(), dw, dwU);
    strm().wait();
  } catch (const std::exception& e) {
    return throwError(env, std::string("conv2dBackwardWeights: ") + e.what());
  }
  return nullptr;
}

// Training-mode batch normalization, in passes that the engine chains (the per-channel sums
// between passes may be all-reduced across workers first). Tensors are [rows, C], C last.

// Reads a Float64Array or Float32Array argument.
template <typename T>
T* typedArg(napi_env env, napi_value v, size_t minLength) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) return nullptr;
  const bool ok = sizeof(T) == 8 ? type == napi_float64_array : type == napi_float32_array;
  return ok && length >= minLength ? static_cast<T*>(data) : nullptr;
}

// Columns sums of x, or of (x − center)² when a center is given.
// fn(heap, [rows, C, xOff], out: Float64Array(C), center?: Float64Array(C))
napi_value bnChannelSums(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 3 || argc < 3) return throwError(env, "bnChannelSums: bad arguments");
  const int64_t rows = a.ints[0], C = a.ints[1];
  const float* x = at(a, a.ints[2]);
  double* out = typedArg<double>(env, argv[2], C);
  const double* center = argc >= 4 ? typedArg<double>(env, argv[3], C) : nullptr;
  if (out == nullptr) return throwError(env, "bnChannelSums: out must be a Float64Array of C values");
  std::fill(out, out + C, 0.0);
#pragma omp parallel
  {
    std::vector<double> part(C, 0.0);
    std::vector<float> mu(C, 0.f);
    if (center) for (int64_t c = 0; c < C; c++) mu[c] = static_cast<float>(center[c]);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      const float* row = x + r * C;
      if (center) {
        for (int64_t c = 0; c < C; c++) {
          const float d = row[c] - mu[c];
          part[c] += d * d;
        }
      } else {
        for (int64_t c = 0; c < C; c++) part[c] += row[c];
      }
    }
#pragma omp critical
    for (int64_t c = 0; c < C; c++) out[c] += part[c];
  }
  return nullptr;
}

// y = x·scale + shift per channel. fn(heap, [rows, C, xOff, yOff], scale: Float32Array, shift: Float32Array)
napi_value bnAffine(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 4 || argc < 4) return throwError(env, "bnAffine: bad arguments");
  const int64_t rows = a.ints[0], C = a.ints[1];
  const float* x = at(a, a.ints[2]);
  float* y = at(a, a.ints[3]);
  const float* scale = typedArg<float>(env, argv[2], C);
  const float* shift = typedArg<float>(env, argv[3], C);
  if (!scale || !shift) return throwError(env, "bnAffine: scale and shift must be Float32Arrays of C values");
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float* row = x + r * C;
    float* out = y + r * C;
    for (int64_t c = 0; c < C; c++) out[c] = row[c] * scale[c] + shift[c];
  }
  return nullptr;
}

// Σdy and Σdy·(x−μ) per channel. fn(heap, [rows, C, dyOff, xOff], mean: Float64Array, sumDy: Float64Array, sumDyXc: Float64Array)
napi_value bnGradSums(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 4 || argc < 5) return throwError(env, "bnGradSums: bad arguments");
  const int64_t rows = a.ints[0], C = a.ints[1];
  const float* dy = at(a, a.ints[2]);
  const float* x = at(a, a.ints[3]);
  const double* mean = typedArg<double>(env, argv[2], C);
  double* sumDy = typedArg<double>(env, argv[3], C);
  double* sumDyXc = typedArg<double>(env, argv[4], C);
  if (!mean || !sumDy || !sumDyXc) return throwError(env, "bnGradSums: mean, sumDy, sumDyXc must be Float64Arrays of C values");
  std::fill(sumDy, sumDy + C, 0.0);
  std::fill(sumDyXc, sumDyXc + C, 0.0);
#pragma omp parallel
  {
    std::vector<double> p1(C, 0.0), p2(C, 0.0);
    std::vector<float> mu(C);
    for (int64_t c = 0; c < C; c++) mu[c] = static_cast<float>(mean[c]);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      const float* d = dy + r * C;
      const float* xr = x + r * C;
      for (int64_t c = 0; c < C; c++) {
        p1[c] += d[c];
        p2[c] += d[c] * (xr[c] - mu[c]);
      }
    }
#pragma omp critical
    for (int64_t c = 0; c < C; c++) {
      sumDy[c] += p1[c];
      sumDyXc[c] += p2[c];
    }
  }
  return nullptr;
}

// dx = k·dy + m·x + q per channel. fn(heap, [rows, C, dyOff, xOff, dxOff], k, m, q: Float32Array)
napi_value bnGradApply(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 5 || argc < 5) return throwError(env, "bnGradApply: bad arguments");
  const int64_t rows = a.ints[0], C = a.ints[1];
  const float* dy = at(a, a.ints[2]);
  const float* x = at(a, a.ints[3]);
  float* dx = at(a, a.ints[4]);
  const float* k = typedArg<float>(env, argv[2], C);
  const float* m = typedArg<float>(env, argv[3], C);
  const float* q = typedArg<float>(env, argv[4], C);
  if (!k || !m || !q) return throwError(env, "bnGradApply: k, m, q must be Float32Arrays of C values");
#pragma omp parallel for schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float* d = dy + r * C;
    const float* xr = x + r * C;
    float* out = dx + r * C;
    for (int64_t c = 0; c < C; c++) out[c] = k[c] * d[c] + m[c] * xr[c] + q[c];
  }
  return nullptr;
}

// Column sums of a [rows, C] tensor (the bias gradient). ints: 0 rows, 1 C, 2 xOff, 3 outOff.
napi_value sumRows(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 4) return throwError(env, "sumRows: bad arguments");
  const int64_t rows = a.ints[0], C = a.ints[1];
  const float* x = at(a, a.ints[2]);
  float* out = at(a, a.ints[3]);
  std::vector<double> total(C, 0.0);
#pragma omp parallel
  {
    std::vector<double> part(C, 0.0);
#pragma omp for schedule(static)
    for (int64_t r = 0; r < rows; r++) {
      const float* row = x + r * C;
      for (int64_t c = 0; c < C; c++) part[c] += row[c];
    }
#pragma omp critical
    for (int64_t c = 0; c < C; c++) total[c] += part[c];
  }
  for (int64_t c = 0; c < C; c++) out[c] = static_cast<float>(total[c]);
  return nullptr;
}

// Max-pool gradient, NHWC: each dy goes to the first maximum of its window in x (TF's rule).
// ints: 0 N, 1 H, 2 W, 3 C, 4 OH, 5 OW, 6 KH, 7 KW, 8 sh, 9 sw, 10 pt, 11 pl, 12 dyOff, 13 xOff, 14 dxOff.
napi_value maxPoolGrad(napi_env env, napi_callback_info info) {
  Args a;
  if (!readArgs(env, info, a) || a.ints.size() < 15) return throwError(env, "maxPoolGrad: bad arguments");
  const int64_t N = a.ints[0], H = a.ints[1], W = a.ints[2], C = a.ints[3], OH = a.ints[4], OW = a.ints[5];
  const int64_t KH = a.ints[6], KW = a.ints[7], sh = a.ints[8], sw = a.ints[9], pt = a.ints[10], pl = a.ints[11];
  const float* dy = at(a, a.ints[12]);
  const float* x = at(a, a.ints[13]);
  float* dx = at(a, a.ints[14]);
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < N; n++) {
    float* dxn = dx + n * H * W * C;
    std::fill(dxn, dxn + H * W * C, 0.f);
    const float* xn = x + n * H * W * C;
    for (int64_t oh = 0; oh < OH; oh++) {
      for (int64_t ow = 0; ow < OW; ow++) {
        const float* d = dy + ((n * OH + oh) * OW + ow) * C;
        for (int64_t c = 0; c < C; c++) {
          float best = -INFINITY;
          int64_t bestAt = -1;
          for (int64_t kh = 0; kh < KH; kh++) {
            const int64_t h = oh * sh + kh - pt;
            if (h < 0 || h >= H) continue;
            for (int64_t kw = 0; kw < KW; kw++) {
              const int64_t w = ow * sw + kw - pl;
              if (w < 0 || w >= W) continue;
              const int64_t i = (h * W + w) * C + c;
              if (xn[i] > best || bestAt < 0) {
                best = xn[i];
                bestAt = i;
              }
            }
          }
          if (bestAt >= 0) dxn[bestAt] += d[c];
        }
      }
    }
  }
  return nullptr;
}

napi_value setThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n = 0;
  napi_get_value_int32(env, argv[0], &n);
  if (n > 0) omp_set_num_threads(n);
  napi_value out;
  napi_create_int32(env, omp_get_max_threads(), &out);
  return out;
}

napi_value implName(napi_env env, napi_callback_info info) {
  // Which oneDNN implementation a 64→64 3×3 conv picks here (e.g. "brg:avx512_core"): a check
  // that the machine's vector units are in use.
  std::string name;
  try {
    memory::dims src{64, 64, 44, 44}, wei{64, 64, 3, 3}, dst{64, 64, 44, 44};
    convolution_forward::desc d(prop_kind::forward_training, algorithm::convolution_direct,
                                memory::desc(src, dt::f32, tag::nhwc), memory::desc(wei, dt::f32, tag::any),
                                memory::desc(dst, dt::f32, tag::nhwc), {1, 1}, {1, 1}, {1, 1});
    name = convolution_forward::primitive_desc(d, cpu()).impl_info_str();
  } catch (const std::exception& e) {
    name = e.what();
  }
  napi_value out;
  napi_create_string_utf8(env, name.c_str(), name.size(), &out);
  return out;
}

napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2dForward", nullptr, conv2dForward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardData", nullptr, conv2dBackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackwardWeights", nullptr, conv2dBackwardWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bnChannelSums", nullptr, bnChannelSums, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bnAffine", nullptr, bnAffine, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bnGradSums", nullptr, bnGradSums, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bnGradApply", nullptr, bnGradApply, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, sumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, maxPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, setThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"implName", nullptr, implName, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
