"""The audio mixer from Python, on NumPy arrays: PCM in and mixes out, Opus
frames in and out, and the offline mix-minus kernel."""

import ast
import inspect
import pathlib

import numpy as np
import pytest

import konfero
from konfero import audio

RATE = audio.SAMPLE_RATE
N = audio.FRAME_SAMPLES


def tone(freq, amplitude, frames, start=0):
    t = (np.arange(frames * N) + start * N) / RATE
    return np.round(amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def magnitude(signal, freq):
    """Peak spectral magnitude near `freq` (Hann window, normalised)."""
    x = signal.astype(np.float64) * np.hanning(len(signal))
    spectrum = np.abs(np.fft.rfft(x)) / len(x)
    hz = np.fft.rfftfreq(len(x), 1 / RATE)
    near = np.abs(hz - freq) < 8
    return spectrum[near].max()


def test_pcm_in_mixes_out_each_hears_the_others_but_not_itself():
    mixer = audio.Mixer(max_participants=4)
    freqs = [440.0, 660.0, 1000.0]
    ids = [mixer.add_participant(audio.Codec.L16) for _ in freqs]
    frames = 60
    sources = [tone(f, 6000, frames) for f in freqs]
    heard = {i: [] for i in ids}
    for k in range(frames):
        for i, src in zip(ids, sources):
            assert mixer.push_pcm(i, src[k * N:(k + 1) * N])
        mixer.tick()
        for i in ids:
            while (pcm := mixer.pop_pcm(i)) is not None:
                heard[i].append(pcm)
    for me, i in enumerate(ids):
        out = np.concatenate(heard[i])[-16384:]
        assert len(heard[i]) == frames
        for other, f in enumerate(freqs):
            if other == me:
                assert magnitude(out, f) < 10, f"participant {me} hears itself"
            else:
                assert magnitude(out, f) > 500, f"participant {me} misses {f} Hz"
    assert all(mixer.is_speaker(i) for i in ids)
    assert mixer.mixer_stats()["encodes"] == 0  # L16 needs no encoder


def test_opus_frames_in_and_out():
    mixer = audio.Mixer(max_participants=4)
    talker = mixer.add_participant(audio.Codec.OPUS)
    listener = mixer.add_participant(audio.Codec.OPUS)
    enc = audio.OpusEncoder(bitrate=32000)
    dec = audio.OpusDecoder()
    src = tone(500.0, 8000, 50)
    decoded = []
    last_sequence = None
    for k in range(50):
        packet = enc.encode(src[k * N:(k + 1) * N])
        assert isinstance(packet, bytes) and 0 < len(packet) < 400
        mixer.push_packet(talker, packet, sequence=k, timestamp=k * N,
                          audio_level=20)
        mixer.push_packet(listener, enc.encode(np.zeros(N, np.int16)),
                          sequence=k, timestamp=k * N, audio_level=127)
        mixer.tick()
        frame = mixer.pop_frame(listener)
        assert frame is not None and frame.codec == audio.Codec.OPUS
        if last_sequence is not None:
            assert frame.sequence == (last_sequence + 1) % 65536
        last_sequence = frame.sequence
        decoded.append(dec.decode(frame.payload))
        assert mixer.pop_frame(talker) is not None  # a lone talker hears silence
    out = np.concatenate(decoded)[-16384:]
    assert magnitude(out, 500.0) > 500
    assert mixer.stats(talker)["received"] == 50
    assert dec.decode(None).shape == (N,)  # PLC


def test_mix_minus_matches_numpy_below_the_limiter_knee():
    rng = np.random.default_rng(1)
    frames = rng.integers(-3000, 3000, size=(7, 961), dtype=np.int16)
    out = audio.mix_minus(frames)
    total = frames.astype(np.int32).sum(axis=0)
    expected = total[None, :] - frames.astype(np.int32)
    assert out.dtype == np.int16 and out.shape == frames.shape
    assert np.array_equal(out, expected.astype(np.int16))


def test_mix_minus_limits_softly_instead_of_wrapping():
    frames = np.full((10, 960), 12000, dtype=np.int16)
    out = audio.mix_minus(frames)  # 9 x 12000 per output: far over full scale
    assert out.max() == 32767 and out.min() >= 0


def test_errors_are_konfero_exceptions():
    mixer = audio.Mixer(max_participants=1)
    mixer.add_participant()
    with pytest.raises(konfero.ResourceExhaustedError):
        mixer.add_participant()
    with pytest.raises(konfero.NotFoundError):
        mixer.set_muted(5, True)
    with pytest.raises(ValueError):
        mixer.push_pcm(0, np.zeros(100, np.int16))


def test_receiver_loss_is_validated():
    mixer = audio.Mixer(max_participants=2)
    a = mixer.add_participant()
    mixer.set_receiver_loss(a, 5)
    with pytest.raises(konfero.InvalidArgumentError):
        mixer.set_receiver_loss(a, 101)
    with pytest.raises(konfero.NotFoundError):
        mixer.set_receiver_loss(1, 5)


# The stubs of konfero.audio (konfero/audio.pyi) keep up with the extension,
# as tests/python/test_stubs.py checks for konfero/__init__.pyi.
AUDIO_STUB = pathlib.Path(konfero.__file__).with_name("audio.pyi")
PYBIND_EXTRAS = {"name", "value"}


def audio_stub():
    tree = ast.parse(AUDIO_STUB.read_text())
    classes, names = {}, set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets)
            classes[node.name] = members
            names.add(node.name)
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and node.value is None:
            names.add(node.target.id)
    return classes, names


def test_audio_stubs_match_the_extension():
    init_stub = ast.parse(AUDIO_STUB.with_name("__init__.pyi").read_text())
    assert any(isinstance(n, ast.ImportFrom) and any(a.name == "audio" for a in n.names)
               for n in init_stub.body), "__init__.pyi does not import audio"
    classes, names = audio_stub()
    public = {n for n in dir(audio) if not n.startswith("_")}
    assert names == public, f"stubbed {sorted(names - public)}, missing {sorted(public - names)}"
    for name, members in classes.items():
        cls = getattr(audio, name)
        have = {a for a in vars(cls) if not a.startswith("_")} - PYBIND_EXTRAS
        assert have == members - {"__init__"}, f"{name}: {sorted(have ^ (members - {'__init__'}))}"
        assert (cls.__doc__ or "").strip(), name
        for attr in have:
            value = inspect.getattr_static(cls, attr)
            if isinstance(value, property):
                assert (value.__doc__ or "").strip(), f"{name}.{attr}"
            elif callable(value):
                doc = getattr(cls, attr).__doc__ or ""
                text = [line for line in doc.splitlines()
                        if line.strip() and not line.startswith(attr + "(")]
                assert text, f"{name}.{attr}() has no docstring"
