"""Qt-free imaging: find image files, decode them safely, and make cached thumbnails.

Importing the package registers the HEIC and JPEG XL Pillow plugins.
"""

from gallery.imaging.decode import DEFAULT_MAX_PIXELS, DecodedImage, decode_image
from gallery.imaging.formats import (
    IMAGE_EXTENSIONS,
    is_image_candidate,
    register_plugins,
    sniff_format,
)
from gallery.imaging.thumbnails import (
    THUMBNAIL_SIZE,
    make_thumbnail,
    save_thumbnail,
    thumbnail_file,
    thumbnail_path,
)

register_plugins()

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "IMAGE_EXTENSIONS",
    "THUMBNAIL_SIZE",
    "DecodedImage",
    "decode_image",
    "is_image_candidate",
    "make_thumbnail",
    "register_plugins",
    "save_thumbnail",
    "sniff_format",
    "thumbnail_file",
    "thumbnail_path",
]
