"""Files to upload, made here: photos with metadata, impostors, bombs and PDFs."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

CAMERA_SERIAL = "SN-4417-KOOPSERI"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Secret Photographer"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def picture(size=(600, 400), color="teal", mode="RGB") -> Image.Image:
    image = Image.new(mode, size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, size[0] // 2, size[1] // 2), fill="orange")
    return image


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg(size=(600, 400)) -> bytes:
    return encode(picture(size), "JPEG")


def png(size=(600, 400)) -> bytes:
    return encode(picture(size), "PNG")


def webp(size=(600, 400)) -> bytes:
    return encode(picture(size), "WEBP")


def jpeg_with_gps(size=(600, 400), orientation=6) -> bytes:
    """A phone photo's worth of metadata: GPS position, camera make, model and serial,
    orientation, an XMP packet, a comment and an ICC profile."""
    from PIL import ImageCms

    exif = Image.Exif()
    exif[0x010F] = "KoopCam"  # Make
    exif[0x0110] = "Model K1"  # Model
    exif[0x0112] = orientation
    exif[0x0131] = "Firmware 1.0"  # Software
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0xA431] = CAMERA_SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (3.0, 8.0, 51.0)  # Kuala Lumpur
    gps[3] = "E"
    gps[4] = (101.0, 41.0, 11.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(
        picture(size), "JPEG", exif=exif, xmp=XMP, comment=b"taken at home", icc_profile=icc
    )


def huge_png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width`` x ``height`` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def pdf(pages: int = 1) -> bytes:
    images = [picture((595, 842), color=("white", "lightblue")[i % 2]) for i in range(pages)]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def pdf_with_javascript() -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf())) as document:
        action = document.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        document.Root.OpenAction = action
        out = io.BytesIO()
        document.save(
            out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
        return out.getvalue()


def pdf_with_attachment() -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf())) as document:
        document.attachments["payload.exe"] = pikepdf.AttachedFileSpec(document, b"MZ not really")
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
