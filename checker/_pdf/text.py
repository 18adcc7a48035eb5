"""Visible page text in reading order, via pypdf (bounded by checker.limits)."""
from __future__ import annotations

import contextlib
import io
import logging
import warnings

from ..errors import LimitExceeded


def _limits_cm(lim):
    """pypdf's own resource limits, lowered to ours when this pypdf supports them."""
    try:
        import pypdf

        apply = getattr(pypdf, "apply_configuration", None)
        if apply is None:
            return contextlib.nullcontext()
        per = lim.max_stream_decoded_bytes
        fields = getattr(pypdf.Configuration, "__dataclass_fields__", {})
        wanted = {
            "maximum_declared_stream_length": per,
            "zlib_maximum_output_length": per,
            "lzw_maximum_output_length": per,
            "run_length_maximum_output_length": per,
            "array_based_stream_maximum_output_length": per,
            "image_maximum_buffer_size": per,
            "page_tree_maximum_entries": lim.max_pages * 4,
            "page_tree_maximum_depth": lim.max_object_depth,
            "form_fields_maximum_depth": lim.max_object_depth,
            "stream_parsing_work_maximum_count": getattr(lim, "max_content_ops", 200_000),
            "xform_maximum_invocations_per_extraction": getattr(lim, "max_form_xobject_calls", 2_000),
            "jbig2dec_binary": None,  # never run an external program
        }
        return apply(**{k: v for k, v in wanted.items() if k in fields})
    except Exception:
        return contextlib.nullcontext()


def extract_text(data: bytes, ctx) -> tuple[str, str | None]:
    """``(text, problem)``: text of every page (pages separated by a form feed)."""
    lim = ctx.limits
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # pragma: no cover - pypdf is a runtime dependency
        return "", f"pypdf missing ({exc})"
    log = logging.getLogger("pypdf")
    old_level = log.level
    log.setLevel(logging.CRITICAL)
    parts: list[str] = []
    total = 0
    try:
        with warnings.catch_warnings(), _limits_cm(lim):
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            for i, page in enumerate(reader.pages):
                if i >= min(lim.max_pages, getattr(lim, "max_text_pages", 20)):
                    break
                ctx.check_time()
                t = page.extract_text() or ""
                parts.append(t)
                total += len(t) + 1
                if total > lim.max_text_chars:
                    break
        text = "\f".join(parts)[: lim.max_text_chars]
        return text, None
    except (RecursionError, MemoryError) as exc:
        raise LimitExceeded(f"page content ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises many types on hostile input
        if type(exc).__name__ == "TimeLimitExceeded":
            raise
        if type(exc).__name__ == "LimitReachedError":  # pypdf's decompression limits (flate bombs)
            raise LimitExceeded(f"page content: {str(exc)[:120]}") from None
        return "\f".join(parts)[: lim.max_text_chars], f"{type(exc).__name__}: {exc}"[:200]
    finally:
        log.setLevel(old_level)
