"""Split a combined CLIP graph (both towers in one ONNX file) into an image and a text graph.

Xenova's Chinese-CLIP ships only `onnx/model.onnx`: pixel_values, input_ids and attention_mask
in; image_embeds, text_embeds and logits (which need both towers) out. Running it for one tower
would mean feeding dummy inputs for the other on every call. Instead each tower's subgraph is
cut out once, at install time, with `onnx.utils.extract_model`: the image graph keeps exactly
the inputs image_embeds depends on, the text graph those text_embeds depends on.
"""

from __future__ import annotations

from pathlib import Path

import onnx
import onnx.utils

from gallery.errors import ModelError
from gallery.text import say

IMAGE_OUTPUT = "image_embeds"
TEXT_OUTPUT = "text_embeds"


def _reads(node: onnx.NodeProto) -> set[str]:
    """Names a node reads: its inputs and, for If/Loop/Scan, what its bodies read."""
    names = {name for name in node.input if name}
    for attribute in node.attribute:
        if attribute.type == onnx.AttributeProto.GRAPH:
            bodies = [attribute.g]
        elif attribute.type == onnx.AttributeProto.GRAPHS:
            bodies = list(attribute.graphs)
        else:
            continue
        for body in bodies:
            for inner in body.node:
                names |= _reads(inner)
    return names


def _inputs_feeding(graph: onnx.GraphProto, output: str) -> list[str]:
    """The graph inputs `output` depends on, in the graph's own order."""
    producer = {name: node for node in graph.node for name in node.output}
    reached: set[str] = set()
    pending = [output]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        node = producer.get(name)
        if node is not None:
            pending.extend(_reads(node))
    initializers = {tensor.name for tensor in graph.initializer}
    return [
        value.name
        for value in graph.input
        if value.name in reached and value.name not in initializers
    ]


def split_combined_clip(combined: Path, vision_out: Path, text_out: Path) -> None:
    """Write the image tower of `combined` to `vision_out` and its text tower to `text_out`."""
    try:
        graph = onnx.load(str(combined), load_external_data=False).graph
    except Exception as exc:  # protobuf's DecodeError and friends share no useful base
        raise ModelError(
            say(
                "The combined model {path} cannot be read: {error}.", path=combined, error=str(exc)
            ),
            say("Download it again."),
        ) from exc
    outputs = {value.name for value in graph.output}
    missing = [name for name in (IMAGE_OUTPUT, TEXT_OUTPUT) if name not in outputs]
    if missing:
        raise ModelError(
            say(
                "The combined model {path} has no {output} output, so it cannot "
                "be split into an image and a text tower.",
                path=combined,
                output=missing[0],
            )
            if len(missing) == 1
            else say(
                "The combined model {path} has no {first} or {second} output, so it cannot "
                "be split into an image and a text tower.",
                path=combined,
                first=missing[0],
                second=missing[1],
            ),
            say("Use a CLIP export whose graph returns image_embeds and text_embeds."),
        )
    for output, target in ((IMAGE_OUTPUT, vision_out), (TEXT_OUTPUT, text_out)):
        inputs = _inputs_feeding(graph, output)
        if not inputs:
            raise ModelError(
                say("{output} of {path} depends on no input.", output=output, path=combined),
                say("The export is broken."),
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        # No checker or shape inference: exports may hold contrib ops they do not know; the
        # installer proves both graphs by running them in ONNX Runtime instead.
        onnx.utils.extract_model(
            str(combined), str(target), inputs, [output], check_model=False, infer_shapes=False
        )
