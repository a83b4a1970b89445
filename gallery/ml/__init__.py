"""Qt-free model code: model folders, ONNX Runtime sessions and providers, encoders."""
