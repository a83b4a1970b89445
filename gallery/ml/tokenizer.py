"""Text to token ids with the model folder's own tokenizer.json (the `tokenizers` library).

CLIP BPE, BERT wordpiece (Chinese-CLIP), XLM-R and Gemma/NLLB SentencePiece (M-CLIP, SigLIP,
nllb-clip) all come as tokenizer.json: its normalizer, pre-tokenizer and post-processor (BOS,
EOS, language tokens) are applied as they are, nothing added. What differs is told by the model
folder: the context length, the pad token, the text cleaning (Immich's and open_clip's: runs
of whitespace collapsed; "canonicalize" also lower-cases and drops punctuation) and, for
nllb-clip, the FLORES-200 language code glued before the query, as Immich does.
"""

from __future__ import annotations

import locale
import string
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
_PUNCTUATION = str.maketrans("", "", string.punctuation)

#: Unicode blocks of the scripts a query is written in: (first, last, script).
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x1000, 0x109F, "Mymr"),
    (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"),
    (0x1200, 0x137F, "Ethi"),
    (0x1780, 0x17FF, "Khmr"),
    (0x3040, 0x30FF, "Kana"),  # hiragana and katakana
    (0x3130, 0x318F, "Hang"),
    (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"),
    (0x4E00, 0x9FFF, "Hani"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x20000, 0x2FFFF, "Hani"),
)
#: A script's usual FLORES-200 code, where the system language does not pick another.
_SCRIPT_CODES = {
    "Grek": "ell_Grek",
    "Cyrl": "rus_Cyrl",
    "Armn": "hye_Armn",
    "Hebr": "heb_Hebr",
    "Arab": "arb_Arab",
    "Deva": "hin_Deva",
    "Beng": "ben_Beng",
    "Guru": "pan_Guru",
    "Gujr": "guj_Gujr",
    "Taml": "tam_Taml",
    "Telu": "tel_Telu",
    "Knda": "kan_Knda",
    "Mlym": "mal_Mlym",
    "Sinh": "sin_Sinh",
    "Thai": "tha_Thai",
    "Laoo": "lao_Laoo",
    "Mymr": "mya_Mymr",
    "Geor": "kat_Geor",
    "Hang": "kor_Hang",
    "Ethi": "amh_Ethi",
    "Khmr": "khm_Khmr",
    "Kana": "jpn_Jpan",
    "Hani": "zho_Hans",
}
#: System language (ISO 639-1, or language-region) -> its FLORES-200 code.
_LANGUAGE_CODES = {
    "en": "eng_Latn",
    "fr": "fra_Latn",
    "de": "deu_Latn",
    "es": "spa_Latn",
    "it": "ita_Latn",
    "pt": "por_Latn",
    "nl": "nld_Latn",
    "sv": "swe_Latn",
    "da": "dan_Latn",
    "nb": "nob_Latn",
    "no": "nob_Latn",
    "nn": "nno_Latn",
    "fi": "fin_Latn",
    "is": "isl_Latn",
    "pl": "pol_Latn",
    "cs": "ces_Latn",
    "sk": "slk_Latn",
    "sl": "slv_Latn",
    "hr": "hrv_Latn",
    "bs": "bos_Latn",
    "hu": "hun_Latn",
    "ro": "ron_Latn",
    "tr": "tur_Latn",
    "az": "azj_Latn",
    "vi": "vie_Latn",
    "id": "ind_Latn",
    "ms": "zsm_Latn",
    "tl": "tgl_Latn",
    "fil": "tgl_Latn",
    "ca": "cat_Latn",
    "eu": "eus_Latn",
    "gl": "glg_Latn",
    "et": "est_Latn",
    "lv": "lvs_Latn",
    "lt": "lit_Latn",
    "sq": "als_Latn",
    "mt": "mlt_Latn",
    "ga": "gle_Latn",
    "cy": "cym_Latn",
    "af": "afr_Latn",
    "sw": "swh_Latn",
    "uz": "uzn_Latn",
    "ru": "rus_Cyrl",
    "uk": "ukr_Cyrl",
    "be": "bel_Cyrl",
    "bg": "bul_Cyrl",
    "sr": "srp_Cyrl",
    "mk": "mkd_Cyrl",
    "kk": "kaz_Cyrl",
    "ky": "kir_Cyrl",
    "mn": "khk_Cyrl",
    "tg": "tgk_Cyrl",
    "ar": "arb_Arab",
    "fa": "pes_Arab",
    "ur": "urd_Arab",
    "hi": "hin_Deva",
    "mr": "mar_Deva",
    "ne": "npi_Deva",
    "ja": "jpn_Jpan",
    "ko": "kor_Hang",
    "zh": "zho_Hans",
    "zh-cn": "zho_Hans",
    "zh-sg": "zho_Hans",
    "zh-hans": "zho_Hans",
    "zh-tw": "zho_Hant",
    "zh-hk": "zho_Hant",
    "zh-mo": "zho_Hant",
    "zh-hant": "zho_Hant",
}
FALLBACK_CODE = "eng_Latn"


def system_language() -> str | None:
    """The process's language from Python's locale ("zh_CN" -> "zh-CN"); None when unset."""
    try:
        name = locale.getlocale(locale.LC_CTYPE)[0] or locale.getlocale()[0]
    except ValueError:
        return None
    if not name or name in ("C", "POSIX"):
        return None
    return name.split(".")[0].replace("_", "-")


def _language_code(language: str | None) -> str | None:
    if not language:
        return None
    lowered = language.lower().replace("_", "-")
    parts = lowered.split("-")
    if parts[0] == "zh" and len(parts) > 1:  # zh-Hant-TW, zh-HK, zh-CN ...
        if {"hant", "tw", "hk", "mo"} & set(parts[1:]):
            return "zho_Hant"
        return "zho_Hans"
    return _LANGUAGE_CODES.get(lowered) or _LANGUAGE_CODES.get(parts[0])


def _script(char: str) -> str | None:
    point = ord(char)
    for first, last, script in _SCRIPT_RANGES:
        if first <= point <= last:
            return script
    if char.isalpha() and (point < 0x0250 or 0x1E00 <= point <= 0x1EFF):
        return "Latn"
    return None


def flores_code(text: str, language: str | None = None) -> str:
    """The FLORES-200 code of a query, from its script and the system language (`language`,
    e.g. "fr-FR"; None: no system language). The script with the most letters other than
    Latin decides (kana over Chinese characters, so Japanese with kanji is Japanese); Latin
    text, or text without letters, takes the system language's code when that language is
    written in that script, else English."""
    system = _language_code(language)
    counts: dict[str, int] = {}
    for char in text:
        script = _script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    if counts.get("Kana"):
        return "jpn_Jpan"
    others = {s: n for s, n in counts.items() if s != "Latn"}
    if others:
        script = max(others, key=lambda s: others[s])
        if system is not None and system.endswith("_" + ("Hans" if script == "Hani" else script)):
            return system  # zho_Hans for Han, ukr_Cyrl for Cyrillic under Ukrainian ...
        if script == "Hani" and system in ("zho_Hant", "jpn_Jpan"):
            return system
        return _SCRIPT_CODES[script]
    if system is not None and system.endswith("_Latn"):
        return system
    return FALLBACK_CODE


def clean_text(text: str, mode: str | None) -> str:
    """Immich's / open_clip's cleaning: "whitespace" collapses runs of whitespace;
    "canonicalize" also turns "_" into a space, removes ASCII punctuation and lower-cases."""
    if mode == "canonicalize":
        text = text.replace("_", " ").translate(_PUNCTUATION).lower()
    if mode in ("whitespace", "canonicalize"):
        text = " ".join(text.split())
    return text


class TextTokenizer:
    def __init__(
        self,
        path: Path,
        context_length: int,
        pad_token: str | None = None,
        *,
        clean: str | None = None,
        prefix: str | None = None,
        language: str | None = None,
    ) -> None:
        """`clean` and `prefix` as ModelFolder.text_clean / text_prefix; `language` is the
        system language for a "flores-200" prefix (None: Python's locale)."""
        try:
            self._tok = Tokenizer.from_file(str(path))
        except Exception as exc:  # the library raises a bare Exception on bad files
            raise ModelError(
                say("The tokenizer {path} cannot be loaded: {error}.", path=path, error=str(exc)),
                say("Re-import the model."),
                _IMPORT,
            ) from exc
        self.context_length = context_length
        self.clean = clean
        self.prefix = prefix
        self.language = language if language is not None else system_language()
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

    def prepare(self, text: str) -> str:
        """The text as the tokenizer sees it: cleaned, then prefixed with its language code
        (glued, no separator, as Immich feeds nllb-clip: "zho_Hans红色的车")."""
        text = clean_text(text, self.clean)
        if self.prefix == "flores-200":
            text = flores_code(text, self.language) + text
        return text

    def encode(self, texts: list[str]) -> tuple[IntArray, IntArray]:
        """Token ids and attention mask, both [len(texts), context_length] int64."""
        encodings = self._tok.encode_batch([self.prepare(t) for t in texts])
        ids = np.asarray([e.ids for e in encodings], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encodings], dtype=np.int64)
        return ids, mask
