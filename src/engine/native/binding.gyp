{
  "targets": [
    {
      "target_name": "emoscope_native",
      "sources": ["emoscope_native.cc"],
      "cflags_cc": ["-O3", "-march=native", "-std=c++17", "-fopenmp", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
