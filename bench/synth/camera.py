"""Camera and phone-processing damage applied to a finished composite."""

from __future__ import annotations

import cv2
import numpy as np


def lighting(img: np.ndarray, rng: np.random.Generator) -> None:
    """Uneven light: a tilted gain plane, a vignette and a colour cast (in place)."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx, yy = xx / w - 0.5, yy / h - 0.5
    gx, gy = rng.uniform(-0.5, 0.5, 2)
    gain = 1 + gx * xx + gy * yy - rng.uniform(0, 0.6) * (xx**2 + yy**2)
    gain *= rng.uniform(0.75, 1.1)
    cast = rng.uniform(0.9, 1.08, 3).astype(np.float32)
    img *= gain[..., None] * cast


def glare(img: np.ndarray, rng: np.random.Generator) -> None:
    h, w = img.shape[:2]
    spot = np.zeros((h, w), np.float32)
    c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
    axes = (int(rng.uniform(0.05, 0.25) * w), int(rng.uniform(0.03, 0.15) * h))
    cv2.ellipse(spot, c, axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
    spot = cv2.GaussianBlur(spot, (0, 0), float(max(axes) / 3 + 1))
    img += spot[..., None] * rng.uniform(30, 110)


def blur(img: np.ndarray, rng: np.random.Generator, small_text: bool) -> np.ndarray:
    r = rng.random()
    if r < 0.55:  # defocus; gentler when the text is already tiny
        sigma = rng.uniform(0.3, 0.8 if small_text else 1.5)
        return cv2.GaussianBlur(img, (0, 0), float(sigma))
    if r < 0.7:  # hand shake
        n = int(rng.integers(3, 6 if small_text else 8))
        k = np.zeros((n, n), np.float32)
        k[n // 2, :] = 1.0 / n
        rot = cv2.getRotationMatrix2D((n / 2 - 0.5, n / 2 - 0.5), float(rng.uniform(0, 180)), 1)
        k = cv2.warpAffine(k, rot, (n, n))
        return cv2.filter2D(img, -1, k / max(k.sum(), 1e-6))
    return img


def resample(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Phone pipelines often shoot smaller and upscale: soft edges at the final size."""
    if rng.random() > 0.3:
        return img
    h, w = img.shape[:2]
    f = float(rng.uniform(0.65, 0.9))
    small = cv2.resize(img, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.uniform(1.5, 7.0)
    lum = rng.standard_normal(img.shape[:2], dtype=np.float32)[..., None] * np.float32(sigma)
    chroma = rng.standard_normal(img.shape, dtype=np.float32) * np.float32(sigma * 0.4)
    return img + lum + chroma


def develop(
    img: np.ndarray, rng: np.random.Generator, small_text: bool, gentle: bool = False
) -> bytes:
    """All damage, then JPEG. Returns the encoded bytes (the file we write).

    `gentle` (fixed samples only) keeps the light and a little noise but skips glare, blur
    and resampling, and saves at high quality.
    """
    lighting(img, rng)
    if gentle:
        out = img + rng.standard_normal(img.shape, dtype=np.float32) * np.float32(1.5)
        return _jpeg(out, 92)
    if rng.random() < 0.3:
        glare(img, rng)
    out = blur(img, rng, small_text)
    out = resample(out, rng)
    out = noise(out, rng)
    return _jpeg(out, int(rng.integers(50, 93)))


def _jpeg(out: np.ndarray, q: int) -> bytes:
    bgr = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()
