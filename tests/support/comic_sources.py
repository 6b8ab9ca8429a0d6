"""Comic sources made for tests with real tools: Pillow pages (small, 64x96, each a different
colour so order can be checked from the pixels), zips by zipfile, tars by tarfile, 7z by
Debian's 7zz, PDFs by Pillow's PDF writer, EPUBs as the EPUB 3 spec lays them out, and RAR
archives by tests.support.rar_writer."""

from __future__ import annotations

import io
import subprocess
import tarfile
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

from tests.support.services import need_binary

PAGE_SIZE = (64, 96)


def colour(number: int) -> tuple[int, int, int]:
    return ((number * 37) % 256, (number * 91) % 256, (number * 53 + 40) % 256)


def page_image(number: int, size: tuple[int, int] = PAGE_SIZE) -> Image.Image:
    image = Image.new("RGB", size, colour(number))
    ImageDraw.Draw(image).text((4, 4), str(number), fill="white")
    return image


def encoded(image: Image.Image, image_format: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def page(number: int, image_format: str = "JPEG", size: tuple[int, int] = PAGE_SIZE) -> bytes:
    return encoded(page_image(number, size), image_format)


def cmyk_jpeg(number: int = 1) -> bytes:
    return encoded(page_image(number).convert("CMYK"), "JPEG")


def png_16_bit() -> bytes:
    image = Image.new("I;16", PAGE_SIZE)
    image.putdata([(x * 1000) % 65536 for x in range(PAGE_SIZE[0] * PAGE_SIZE[1])])
    return encoded(image, "PNG")


def animated_gif() -> bytes:
    first, *rest = [page_image(n, (80, 60)) for n in range(3)]
    return encoded(first, "GIF", save_all=True, append_images=rest, duration=100, loop=0)


def centre_colour(data: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        pixel = rgb.getpixel((rgb.width // 2, rgb.height - 4))
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


def close_to(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def write_zip(
    path: Path, members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED
) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def write_tar(path: Path, members: list[tuple[str, bytes]], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write_folder(path: Path, members: list[tuple[str, bytes]]) -> Path:
    for name, data in members:
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return path


def write_7z(path: Path, members: list[tuple[str, bytes]], *options: str) -> Path:
    """By Debian's 7zz from a folder of the members; options such as -ms=on, -pSECRET."""
    seven_zip = need_binary("7zz")
    folder = write_folder(path.with_name(path.name + ".d"), members)
    subprocess.run(
        [seven_zip, "a", "-bd", *options, str(path.resolve()), "."],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return path


def write_pdf(path: Path, numbers: list[int]) -> Path:
    first, *rest = [page_image(n) for n in numbers]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=72)
    return path


def write_epub(
    path: Path,
    images: list[tuple[str, bytes]],
    spine: list[str] | None = None,
    text_pages: int = 0,
    markup: str = "img",
) -> Path:
    """An EPUB 3: mimetype first and stored, container.xml, a package document whose spine
    lists one XHTML page per image (in `spine` order of image names), plus `text_pages` of
    prose. `markup` is how a page shows its image: "img"; "img-entities" (an &nbsp; that
    makes the XHTML invalid XML, as careless tools write); "svg" (an SVG <image>, as
    Kobo and Kindle comics do); "css" (a background, fixed-layout: only the manifest tells
    the images' order)."""
    spine = spine if spine is not None else [name for name, _ in images]
    items, refs, files = [], [], []
    for number, name in enumerate(spine):
        files.append((f"OEBPS/text/p{number}.xhtml", _xhtml(PAGE_MARKUP[markup].format(name))))
        items.append(
            f'<item id="p{number}" href="text/p{number}.xhtml" media-type="application/xhtml+xml"/>'
        )
        refs.append(f'<itemref idref="p{number}"/>')
    for number in range(text_pages):
        files.append((f"OEBPS/text/t{number}.xhtml", _xhtml("<p>It was a dark&#160;night.</p>")))
        items.append(
            f'<item id="t{number}" href="text/t{number}.xhtml" media-type="application/xhtml+xml"/>'
        )
        refs.append(f'<itemref idref="t{number}"/>')
    for number, (name, _) in enumerate(images):
        kind = "image/png" if name.endswith(".png") else "image/jpeg"
        items.append(f'<item id="i{number}" href="images/{name}" media-type="{kind}"/>')
    layout = '<meta property="rendition:layout">pre-paginated</meta>'
    package = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Test</dc:title>'
        f"{layout if markup in ('css', 'svg') else ''}</metadata>"
        f"<manifest>{''.join(items)}</manifest><spine>{''.join(refs)}</spine></package>"
    )
    container = (
        '<?xml version="1.0"?><container version="1.0" '
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", package)
        for name, data in files:
            archive.writestr(name, data)
        for name, data in images:
            archive.writestr(f"OEBPS/images/{name}", data)
    return path


PAGE_MARKUP = {
    "img": '<img src="../images/{}" alt="page"/>',
    "img-entities": '<p>&nbsp;</p><img src="../images/{}" alt="page"/>',
    "svg": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 64 96"><image width="64" height="96" xlink:href="../images/{}"/></svg>'
    ),
    "css": '<div style="background-image:url(../images/{})"></div>',
}


def _xhtml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>p</title></head><body>{body}</body></html>"
    )
