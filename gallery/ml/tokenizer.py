"""Text to token ids with the model folder's own tokenizer.json (the `tokenizers` library).

CLIP BPE and BERT wordpiece (Chinese-CLIP) both come as tokenizer.json; what differs is the
context length and the pad token, which the model folder tells.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from gallery.errors import Action, ModelError, Remedy
from gallery.text import say

IntArray = npt.NDArray[np.int64]
DEFAULT_CONTEXT = 77
_PAD_FALLBACKS = ("<|endoftext|>", "[PAD]", "<pad>")
_IMPORT = (Remedy(Action.IMPORT_MODEL),)


class TextTokenizer:
    def __init__(self, path: Path, context_length: int, pad_token: str | None = None) -> None:
        try:
            self._tok = Tokenizer.from_file(str(path))
        except Exception as exc:  # the library raises a bare Exception on bad files
            raise ModelError(
                say("The tokenizer {path} cannot be loaded: {error}.", path=path, error=str(exc)),
                say("Re-import the model."),
                _IMPORT,
            ) from exc
        self.context_length = context_length
        candidates = ([pad_token] if pad_token else []) + list(_PAD_FALLBACKS)
        found = [(t, self._tok.token_to_id(t)) for t in candidates]
        pad = next(((t, i) for t, i in found if i is not None), None)
        if pad is None:
            raise ModelError(
                say("The tokenizer {path} has no padding token.", path=path),
                say("Re-import the model."),
                _IMPORT,
            )
        self.pad_token, self.pad_id = pad
        self._tok.no_padding()
        self._tok.enable_truncation(max_length=context_length)
        self._tok.enable_padding(
            length=context_length, pad_id=self.pad_id, pad_token=self.pad_token
        )

    def encode(self, texts: list[str]) -> tuple[IntArray, IntArray]:
        """Token ids and attention mask, both [len(texts), context_length] int64."""
        encodings = self._tok.encode_batch(texts)
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask
