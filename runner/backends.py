"""The models the runner can serve: the embedded digits classifier, and a user's ONNX model."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

__all__ = ["Backend", "DigitsBackend", "OnnxImageBackend", "BackendError"]


class BackendError(Exception):
    """The model or the dataset cannot be used (a usage error, reported without a traceback)."""


@dataclass
class Backend:
    """A model plus its evaluation data; predictions are int64 class labels."""

    name: str  # the model's name (the benchmark folder in open, the log's model name)
    framework: str
    labels: np.ndarray
    accuracy_log_sampling_target: int = 4096
    implementation: dict = field(default_factory=dict)  # the measurements JSON fields

    @property
    def total_count(self) -> int:
        return int(len(self.labels))

    def load(self, indices: list[int]) -> None:  # pragma: no cover - overridden
        pass

    def unload(self, indices: list[int]) -> None:
        pass

    def predict(self, indices: list[int]) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError


class DigitsBackend(Backend):
    """A support-vector classifier on scikit-learn's bundled 8x8 digits (no download,
    deterministic).

    Trained on every third image at start-up (a fraction of a second), evaluated on the other
    1198, more than the 1024 samples a performance run draws from. An RBF kernel against a few
    hundred support vectors makes each prediction cost the same whichever sample it is, so the
    model's own work, not LoadGen's bookkeeping, sets the pace (TEST04 then measures the model).
    """

    def __init__(self) -> None:
        # scikit-learn takes over a second to import: only the digits model pays for it
        import sklearn
        from sklearn.datasets import load_digits
        from sklearn.svm import SVC

        digits = load_digits()
        x = (digits.data / 16.0).astype(np.float32)
        train = np.arange(len(digits.target)) % 3 == 0
        self._model = SVC().fit(x[train], digits.target[train])
        self._x = np.ascontiguousarray(x[~train])
        super().__init__(
            name="digits",
            framework=f"scikit-learn {sklearn.__version__}",
            labels=digits.target[~train].astype(np.int64),
            accuracy_log_sampling_target=128,
            implementation={
                "input_data_types": "fp32",
                "retraining": "no",
                "starting_weights_filename": "SVC(rbf) trained at start-up on every third image "
                                             "of sklearn.datasets.load_digits",
                "weight_data_types": "fp32",
                "weight_transformations": "none",
            },
        )

    def load(self, indices: list[int]) -> None:
        pass  # the whole set is already in memory (1198 x 64 floats)

    def predict(self, indices: list[int]) -> np.ndarray:
        return self._model.predict(self._x[indices]).astype(np.int64)


class OnnxImageBackend(Backend):
    """A user's ONNX image classifier on an ImageNet-style folder (images + val_map.txt).

    Images are resized to the model's input size, scaled to [0, 1] and normalised with the
    ImageNet mean and standard deviation (`--no-normalize` to skip), in NCHW float32.
    """

    MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
    STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

    def __init__(self, model_path: str, dataset: str, *, name: str | None = None,
                 normalize: bool = True, label_offset: int = 0, threads: int = 1,
                 max_count: int | None = None) -> None:
        try:
            import onnxruntime as ort  # only ONNX models need it, and its import is slow
        except ImportError as exc:  # pragma: no cover - installed with the project
            raise BackendError("onnxruntime is not installed") from exc
        if not os.path.isfile(model_path):
            raise BackendError(f"model file {model_path} does not exist")
        val_map = os.path.join(dataset, "val_map.txt")
        if not os.path.isfile(val_map):
            raise BackendError(f"{dataset} has no val_map.txt (lines '<image file> <label>')")
        files, labels = [], []
        with open(val_map, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                parts = line.split()
                if len(parts) != 2 or not parts[1].lstrip("-").isdigit():
                    raise BackendError(f"val_map.txt line {lineno} is not '<image> <label>': {line!r}")
                if not os.path.isfile(os.path.join(dataset, parts[0])):
                    raise BackendError(f"val_map.txt line {lineno}: image {parts[0]} is missing")
                files.append(parts[0])
                labels.append(int(parts[1]))
        if max_count:
            files, labels = files[:max_count], labels[:max_count]
        if not files:
            raise BackendError("val_map.txt lists no images")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise BackendError(f"onnxruntime cannot load {model_path}: {exc}") from exc
        inp = self._session.get_inputs()[0]
        shape = inp.shape
        if len(shape) != 4 or not all(isinstance(d, int) for d in shape[1:]):
            raise BackendError(f"model input {inp.name} has shape {shape}; expected [N, 3, H, W]")
        self._input = inp.name
        self._hw = (shape[2], shape[3])
        self._normalize = normalize
        self._offset = label_offset
        self._dataset = dataset
        self._files = files
        self._cache: dict[int, np.ndarray] = {}
        super().__init__(
            name=name or os.path.splitext(os.path.basename(model_path))[0],
            framework=f"onnxruntime {ort.__version__}",
            labels=np.array(labels, dtype=np.int64),
            implementation={
                "input_data_types": "fp32",
                "retraining": "no",
                "starting_weights_filename": os.path.basename(model_path),
                "weight_data_types": "fp32",
                "weight_transformations": "none",
            },
        )

    def _image(self, index: int) -> np.ndarray:
        with Image.open(os.path.join(self._dataset, self._files[index])) as img:
            img = img.convert("RGB").resize((self._hw[1], self._hw[0]), Image.BILINEAR)
            arr = np.asarray(img, dtype=np.float32) / 255.0
        if self._normalize:
            arr = (arr - self.MEAN) / self.STD
        return np.ascontiguousarray(arr.transpose(2, 0, 1))

    def load(self, indices: list[int]) -> None:
        for i in indices:
            if i not in self._cache:
                self._cache[i] = self._image(i)

    def unload(self, indices: list[int]) -> None:
        for i in indices:
            self._cache.pop(i, None)

    def predict(self, indices: list[int]) -> np.ndarray:
        batch = np.stack([self._cache[i] if i in self._cache else self._image(i) for i in indices])
        (scores,) = self._session.run(None, {self._input: batch})[:1]
        scores = np.asarray(scores).reshape(len(indices), -1)
        return (scores.argmax(axis=1) - self._offset).astype(np.int64)
