"""Zip bundles (``extractors/readers/bundle.py``): members unpacked safely, names
decoded as their Chinese archivers wrote them, bombs and lies refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from disclosures.extractors.readers import read_document
from disclosures.extractors.readers.bundle import (
    BundleLimits,
    read_bundle,
    unpacked_bundle,
)
from disclosures.model.errors import BadInput

REPO = Path(__file__).resolve().parents[2]
SEED_PDF = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.pdf"
SEED_DOCX = REPO / "fixtures" / "seed" / "luzhou-zfw-2024-final-accounts.docx"


def gbk_named_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip whose member names are GBK bytes without the UTF-8 flag, as WinRAR and
    Windows write them: written under same-length ASCII placeholders, then the
    name bytes swapped in (local headers and central directory alike)."""
    placeholders = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk")
            placeholder = f"{i}".encode().ljust(len(raw), b"_")
            placeholders[placeholder] = raw
            archive.writestr(placeholder.decode(), data)
    data = path.read_bytes()
    for placeholder, raw in placeholders.items():
        data = data.replace(placeholder, raw)
    path.write_bytes(data)
    return path


def test_members_come_out_with_their_chinese_names(tmp_path):
    bundle = gbk_named_zip(tmp_path / "附件.zip", {
        "2024年部门决算/泸州市委政法委2024年部门决算.pdf": SEED_PDF.read_bytes(),
        "2024年部门决算/部门决算公开表.docx": SEED_DOCX.read_bytes(),
    })
    members = read_bundle(bundle, tmp_path / "out")
    assert [name for name, _ in members] == ["2024年部门决算/泸州市委政法委2024年部门决算.pdf",
                                             "2024年部门决算/部门决算公开表.docx"]
    assert [p.relative_to(tmp_path / "out").as_posix() for _, p in members] == [
        "000/泸州市委政法委2024年部门决算.pdf", "001/部门决算公开表.docx"]
    assert members[0][1].read_bytes() == SEED_PDF.read_bytes()
    assert read_document(members[1][1]).format == "docx"


def test_utf8_names_junk_and_directories(tmp_path):
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("报告/", b"")
        archive.writestr("报告/说明.pdf", b"%PDF-1.7 x")
        archive.writestr("__MACOSX/报告/._说明.pdf", b"junk")
        archive.writestr("Thumbs.db", b"junk")
    assert [name for name, _ in read_bundle(bundle, tmp_path / "out")] == ["报告/说明.pdf"]


def test_member_paths_cannot_escape_the_destination(tmp_path):
    bundle = tmp_path / "slip.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("../../etc/evil.pdf", b"%PDF-1.7")
        archive.writestr("/abs/path.pdf", b"%PDF-1.7")
    out = tmp_path / "out"
    members = read_bundle(bundle, out)
    assert [p.relative_to(out).as_posix() for _, p in members] == ["000/evil.pdf", "001/path.pdf"]


def test_unpacked_bundle_removes_its_directory(tmp_path):
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("a.pdf", b"%PDF-1.7")
    with unpacked_bundle(bundle) as members:
        ((_, path),) = members
        assert path.exists()
    assert not path.exists() and not path.parent.parent.exists()


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    bundle = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.pdf", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(BadInput, match=r"bomb.zip: zip member zeros.pdf has compression ratio \d+ \(limit 100"):
        read_bundle(bundle, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.parametrize("limits, message", [
    (BundleLimits(max_members=2), "zip holds 3 files (limit 2)"),
    (BundleLimits(max_member_bytes=1000), "zip member 0.pdf inflates to 2000 bytes (limit 1000)"),
    (BundleLimits(max_total_bytes=5000), "zip inflates to 6000 bytes (limit 5000)"),
])
def test_directory_limits(tmp_path, limits, message):
    bundle = tmp_path / "many.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for i in range(3):
            archive.writestr(f"{i}.pdf", bytes(range(250)) * 8)
    with pytest.raises(BadInput) as error:
        read_bundle(bundle, tmp_path / "out", limits)
    assert str(error.value) == f"many.zip: {message}"


def test_sizes_that_lie_are_caught_while_inflating(tmp_path):
    """The directory declares 1000 bytes; the data inflates to 100 000: the unpacker
    stops at the declared size and refuses the member, never writing the rest."""
    bundle = tmp_path / "liar.zip"
    payload = bytes(range(100)) * 1000
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.pdf", payload)
    size = len(payload).to_bytes(4, "little")
    bundle.write_bytes(bundle.read_bytes().replace(size, (1000).to_bytes(4, "little")))
    with pytest.raises(BadInput, match="liar.zip: zip member a.pdf"):
        read_bundle(bundle, tmp_path / "out")
    assert all(p.stat().st_size <= 1000 for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_encrypted_member_is_refused(tmp_path):
    bundle = tmp_path / "locked.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("a.pdf", b"%PDF-1.7")
    data = bytearray(bundle.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general purpose flag: bit 0
        at = data.find(sig)
        data[at + offset] |= 0x1
    bundle.write_bytes(bytes(data))
    with pytest.raises(BadInput, match="locked.zip: zip member a.pdf is encrypted"):
        read_bundle(bundle, tmp_path / "out")


def test_read_document_points_a_bundle_to_the_unpacker(tmp_path):
    bundle = tmp_path / "附件.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("a.pdf", b"%PDF-1.7")
    with pytest.raises(BadInput, match=r"^附件.zip: is a .zip bundle; unpack it"):
        read_document(bundle)
