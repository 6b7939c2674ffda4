{
  "targets": [
    {
      "target_name": "tap",
      "sources": ["src/tap.c", "src/writer.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
