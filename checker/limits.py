"""Every resource limit of the checker, in one place.

Hostile input must end as an ``error`` verdict within these bounds, never as a
traceback, a hang or a memory blow-up.  Engines read limits from the
``Limits`` instance carried by :class:`checker.Options`; tests shrink them.
"""
from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every resource limit of one check (sizes, counts, depth, time); one place to tune them."""

    # whole input
    max_file_bytes: int = 64 * MiB
    # wall-clock budget for one file (checked cooperatively by the engines)
    max_seconds: float = 20.0

    # PDF
    max_pdf_objects: int = 200_000
    max_pdf_revisions: int = 64
    max_pdf_signatures: int = 32
    max_stream_decoded_bytes: int = 32 * MiB  # per decoded stream (flate bombs)
    max_total_decoded_bytes: int = 128 * MiB  # all decoded streams of one file
    max_object_depth: int = 64  # nesting of arrays/dicts and of object graph walks
    max_pages: int = 2_000
    max_cms_bytes: int = 1 * MiB  # /Contents of one signature
    max_content_ops: int = 200_000  # text extraction: content-stream / CMap tokens per stream (8× per file)
    max_text_pages: int = 20  # text extraction: first pages only (a certificate has one or two)
    max_form_xobject_calls: int = 2_000  # text extraction: form XObjects invoked per page
    file_content_ops_multiple: int = 8  # text extraction: all streams of a file share this × max_content_ops
    max_objstm_objects: int = 100_000  # objects one object stream may declare (/N)
    max_number_chars: int = 64  # characters of one number (int() refuses > 4300 digits)
    max_form_fields: int = 10_000  # form fields walked

    # OFD / ZIP
    max_zip_entries: int = 10_000
    max_zip_entry_bytes: int = 32 * MiB  # uncompressed size of one entry
    max_zip_total_bytes: int = 128 * MiB  # uncompressed size of all entries read
    max_zip_ratio: int = 200  # uncompressed / compressed, per entry (once past zip_ratio_from_bytes)
    zip_ratio_from_bytes: int = 1 * MiB  # max_zip_ratio applies once an entry inflates past this
    max_xml_bytes: int = 8 * MiB
    max_xml_depth: int = 64
    max_xml_elements: int = 200_000
    max_text_code_glyphs: int = 4_096  # glyph positions placed per TextCode (longer: one run)
    max_bmp_pixels: int = 4 * MiB  # a BMP image converted for the QR decoders
    max_unprotected_boxes: int = 64  # areas drawn per file and page for unprotected content

    # certificates / trust
    max_chain_length: int = 8
    max_trust_root_bytes: int = 1 * MiB  # a certificate file offered as an extra trust root
    max_certs_per_signature: int = 64
    max_chain_paths: int = 16  # complete certification paths considered per validation
    max_chain_signature_checks: int = 64  # certificate signatures verified per validation (hostile pools)
    max_chain_walk_steps: int = 512  # path-building steps per validation

    # QR and fields
    max_qr_payload_chars: int = 4_096
    max_qr_codes: int = 32  # QR codes judged per file
    max_qr_pages: int = 10  # pages rendered by the native decoder
    max_render_pixels: int = 40_000_000  # a page bitmap rendered by the native decoder
    max_qr_image_pixels: int = 40_000_000  # an image decoded by the native decoder (decompression bombs)
    expiry_notice_days: int = 90  # validity ending within this many days → info
    max_text_chars: int = 2 * MiB


DEFAULT_LIMITS = Limits()
