"""Test helpers: tiny ONNX model folders in the real layouts (see tiny_models)."""
