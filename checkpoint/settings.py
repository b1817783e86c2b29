"""Every knob of the system in one place: environment variables prefixed CHECKPOINT_, optionally a TOML file.

This module imports nothing from the project, so every package may read it (see README, "Layers").
Lower layers (edge, matcher) never read it themselves: the CLI, the kiosk and the centre build a
Settings once and pass plain values down.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "CHECKPOINT_"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "checkpoint"


def _config_file() -> Path | None:
    path = os.environ.get(ENV_PREFIX + "CONFIG")
    return Path(path) if path else None


class Settings(BaseSettings):
    """Configuration read once per process; see README for every variable."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    data_dir: Path = Field(default_factory=_default_data_dir, description="where databases, caches and keys live")
    shared_data: Path = Field(
        default=REPO_ROOT.parent / "shared" / "data",
        description="evaluation data (LFW dev copy); tests needing it skip when it is absent",
    )

    # Languages (checkpoint/i18n.py): a person's own choice wins, then the browser's, then this post default.
    default_language: Literal["fr", "en"] = Field(
        "fr", description="language of pages and messages when neither the person nor the browser chooses one"
    )

    # Face pipeline
    # YuNet is the default by measurement (benchmarks/results/detector-compare.json); dlib's HOG and CNN remain.
    face_detector: Literal["yunet", "hog", "cnn"] = Field(
        "yunet", description="yunet: YuNet (edge/face/models) on OpenCV; hog: dlib's HOG; cnn: dlib's MMOD CNN"
    )
    face_upsample: int = Field(1, ge=0, le=3, description="image pyramid upsampling before detection (hog, cnn)")
    face_fallback_detector: Literal["cnn", "hog", "none"] = Field(
        "cnn", description="detector tried when the main one finds no face (none: report no face at once)"
    )
    face_alignment: Literal["dlib5", "yunet5"] = Field(
        "dlib5",
        description="how dlib chips are placed: dlib5 = dlib's 5-point landmarks in the detector's box; yunet5 = "
        "YuNet's own five landmarks (yunet detector only)",
    )
    # Flip test-time augmentation (edge/face/flip.py) is the default by measurement on LFW-dev (README, Measured:
    # fewer misses in 1:N and 1:1) at about twice the embedding time. Its templates carry their own model id
    # ("...-flip"): galleries, snapshots and calibration files of the other setting are refused, never mixed.
    face_flip: bool = Field(
        True, description="embed each face chip and its mirror image and keep the mean (own model id, ~2x embed time)"
    )
    # Jittered re-cuts of the chip averaged in with flip (edge/face/flip.py JITTER_VIEWS, e.g. "zin4,zout4"): each
    # view adds two embedder passes and the set is spelt into the model id. "zout8" (the chip zoomed out 8 %, as a
    # wider alignment padding would cut it) is the default by measurement on LFW-dev (README, issue 16): fewer 1:N
    # misses at ~3.3-3.7x the plain embedding time; "" goes back to flip alone (its own id and calibration).
    face_jitter: str = Field(
        "zout8",
        description="extra chip views averaged with flip, comma-separated (zin4, zout4, zout8, zout12, left2, right2, "
        "up2, down2; empty: flip alone)",
    )
    embedder: Literal["onnx", "dlib", "arcface"] = Field(
        "onnx", description="onnx: dlib's ResNet converted to ONNX (default); dlib: the reference; arcface: a file"
    )
    max_image_pixels: int = Field(40_000_000, gt=0, description="decompression-bomb guard")
    max_image_bytes: int = Field(50 * 1024 * 1024, gt=0)

    # Embedder backends (issue 3). "onnx" is dlib's ResNet converted once into <data_dir>/models and shown
    # equivalent to dlib (benchmarks/results/embedder_equivalence.json); "arcface" is an operator's own model.
    onnx_threads: int = Field(0, ge=0, description="onnxruntime threads per session; 0 = one per core")
    arcface_model: Path | None = Field(None, description="ONNX file of an ArcFace-style model (112x112 RGB in)")
    arcface_alignment: Literal["arcface", "dlib"] = Field("arcface", description="how faces are cropped for it")

    # Quality gate minimums for screening (ISO/IEC 29794-5 component names)
    quality_min_inter_eye_px: float = 30.0
    quality_max_yaw_deg: float = 35.0
    quality_max_pitch_deg: float = 30.0
    quality_max_roll_deg: float = 25.0
    quality_min_sharpness: float = 20.0
    quality_min_brightness: float = 40.0
    quality_max_brightness: float = 220.0
    quality_min_contrast: float = 20.0
    quality_min_score: float = 40.0

    # Document reader (edge.document): MRZ location, OCR, checks, portrait
    document_detect_side: int = Field(640, ge=320, le=2000, description="longest image side the text detector sees")
    document_ocr_threads: int = Field(2, ge=1, le=64, description="onnxruntime threads for the OCR models")
    document_max_validity_years: int = Field(15, ge=1, description="later expiry dates are implausible")

    # Decisions: thresholds are always looked up in the model's calibration file at this FMR
    target_fmr: float = Field(1e-3, gt=0, lt=1)

    # --- watchlists (issue 6) ---
    # Database of watchlists (SQLAlchemy URL); empty means the central service's database (database_url).
    watchlists_db_url: str = ""
    # Name screening cut-off on the 0-1 name score; chosen on benchmarks/data/name_pairs.csv (`checkpoint bench
    # names`): 0.88 gave precision 0.97 / recall 0.99 there.
    watchlists_name_cutoff: float = Field(0.88, gt=0, le=1)
    # Keep the enrolment source photo in the database (off: only its SHA-256 is kept).
    watchlists_keep_source_images: bool = False
    # Longest side in pixels of the face thumbnail shipped to kiosks for lists that allow one.
    watchlists_thumbnail_px: int = Field(96, ge=32, le=256)
    # Enrolment quality gate: stricter than screening (the enrolled template is compared with every traveller).
    enrol_quality_min_inter_eye_px: float = 35.0
    enrol_quality_max_yaw_deg: float = 25.0
    enrol_quality_max_pitch_deg: float = 20.0
    enrol_quality_max_roll_deg: float = 15.0
    enrol_quality_min_sharpness: float = 25.0
    enrol_quality_min_brightness: float = 50.0
    enrol_quality_max_brightness: float = 210.0
    enrol_quality_min_contrast: float = 22.0
    enrol_quality_min_score: float = 55.0
    # Snapshot signing: the centre's Ed25519 private key (PEM) and the public key kiosks verify with.
    # Empty means <data_dir>/keys/snapshot-signing.pem and <data_dir>/keys/snapshot-signing.pub.pem.
    snapshot_private_key: Path | None = None
    snapshot_public_key: Path | None = None
    # Where a kiosk keeps the snapshot bundle it screens with (empty: <data_dir>/snapshot).
    snapshot_dir: Path | None = None
    # Central service (api/): database, tokens, limits, retention
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default is a SQLite file in data_dir (postgresql+psycopg://... for PostgreSQL)",
    )
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    token_ttl_minutes: int = Field(8 * 60, gt=0, description="bearer tokens expire after this long")
    # Login throttling at the centre (api/login_throttle.py). Failures are counted per client address, and per
    # account *from that address*, so nobody can lock an officer out from everywhere by failing on purpose.
    # The kiosk page reuses the first two for its own per-username lock-out (checkpoint/kiosk/sign_in_throttle.py).
    login_max_failures: int = Field(
        5, gt=0, description="failed logins of one account from one address within the lock-out window before 429"
    )
    login_lockout_seconds: int = Field(
        300, gt=0, description="window over which one account's failures from one address are counted"
    )
    login_address_max_failures: int = Field(
        20, gt=0, description="failed logins from one address (any accounts, known or not) within its window before 429"
    )
    login_address_window_seconds: int = Field(
        900, gt=0, description="window over which one address's failed logins are counted"
    )
    # argon2id cost (RFC 9106 second recommended option by default); tests lower it to stay fast
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_kib: int = Field(64 * 1024, ge=8)
    max_request_bytes: int = Field(2 * 1024 * 1024, gt=0, description="larger request bodies are refused (413)")
    max_face_image_bytes: int = Field(512 * 1024, gt=0, description="largest face image a kiosk may upload")
    tree_head_every_events: int = Field(1000, gt=0, description="a signed tree head is issued after this many events")
    tree_head_interval_minutes: int = Field(10, ge=0, description="and at least this often if events arrived; 0 = off")
    retention_cleared_biometrics_days: int = Field(1, ge=0, description="cleared travellers' face data")
    retention_cleared_days: int = Field(30, ge=0, description="cleared travellers' personal data")
    retention_referred_days: int = Field(365, ge=0, description="referred travellers' personal data")
    retention_failed_login_days: int = Field(
        30, ge=0, description="payloads of failed-login audit events (the name typed, which may be a password)"
    )
    benchmark_results_dir: Path = Field(
        default=REPO_ROOT / "benchmarks" / "results", description="reports the auditor pages list"
    )
    retention_interval_minutes: int = Field(60, ge=0, description="how often `checkpoint serve` purges; 0 = never")
    # --- public side (issue 18): transparency, receipts, complaints under /public/ ---
    complaint_deadline_days: int = Field(30, gt=0, description="days a supervisor has to decide a complaint")
    public_requests_per_minute: int = Field(
        120, gt=0, description="requests one address may make to /public/ per minute (each process counts its own)"
    )
    complaints_per_hour: int = Field(5, gt=0, description="complaints one address may file per hour")

    # --- kiosk (issue 8): screening policy, identity at the centre, outbox, snapshot inbox, officer page ---
    kiosk_policy: Path | None = Field(None, description="policy TOML; empty: checkpoint/policy/default_policy.toml")
    kiosk_id: str = "kiosk-1"
    kiosk_post_id: str = "post-1"
    kiosk_secret: str = Field("", description="the secret the centre returned when this kiosk was registered")
    centre_url: str = Field("http://127.0.0.1:8000", description="base URL of `checkpoint serve`")
    receipt_check_url: str = Field(
        "", description="where travellers check a receipt, printed on it; empty: <centre_url>/public/receipt"
    )
    kiosk_host: str = "127.0.0.1"
    kiosk_port: int = Field(8100, ge=1, le=65535)
    # Folder the snapshot sync polls for newer signed bundles (*.snapshot); empty: <data_dir>/snapshot-inbox.
    kiosk_snapshot_inbox: Path | None = None
    kiosk_sync_seconds: float = Field(30.0, gt=0, description="how often the snapshot inbox is polled")
    # The only folder whose files the kiosk screens by path (/api/screen, the page's frame folder): the camera's and
    # scanner's output. Any other path is refused without saying whether it exists. Empty: the data directory.
    kiosk_capture_dir: Path | None = None
    outbox_retry_first_seconds: float = Field(1.0, gt=0, description="first retry delay; doubles per failure")
    outbox_retry_max_seconds: float = Field(300.0, gt=0, description="longest delay between retries")
    outbox_timeout_seconds: float = Field(10.0, gt=0, description="HTTP timeout per request to the centre")

    # --- kiosk officer sign-in (issue: kiosk sign-in): officers sign in on the page with their centre account ---
    # A successful online sign-in leaves a salted scrypt hash on the kiosk, good for this long while the centre
    # is unreachable (0: no offline sign-in at all).
    kiosk_offline_login_hours: float = Field(72.0, ge=0, description="how long an online sign-in allows offline ones")
    kiosk_session_idle_minutes: float = Field(15.0, gt=0, description="an officer's page session ends when idle")
    kiosk_session_max_hours: float = Field(12.0, gt=0, description="and after this long in any case (one shift)")
    kiosk_sign_in_timeout_seconds: float = Field(
        5.0, gt=0, description="how long the page waits for the centre before trying an offline sign-in"
    )
    # The kiosk page offers a decision on a screening (one restored after a restart too) only this long after it was
    # queued: a decision that late is made from the record, not with the traveller at the desk, so the centre takes it.
    kiosk_pending_decision_hours: float = Field(
        24.0, gt=0, description="screenings older than this are not offered for a decision at the kiosk"
    )

    # --- cross-border exchange (issue 19): hit/no-hit queries between partner centres, follow-ups by people ---
    exchange_centre_id: str = Field(
        "", max_length=16, description="this centre's id as partners know it (e.g. MLI); empty: exchange is off"
    )
    exchange_clock_skew_seconds: int = Field(
        300, gt=0, description="a signed exchange request older or newer than this is refused (replay window)"
    )
    exchange_timeout_seconds: float = Field(5.0, gt=0, description="HTTP timeout per request to a partner centre")

    @field_validator("face_alignment")
    @classmethod
    def _alignment_has_its_points(cls, alignment: str, info: ValidationInfo) -> str:
        # Only YuNet gives the five points yunet5 places chips by.
        if alignment == "yunet5" and info.data.get("face_detector") != "yunet":
            raise ValueError("yunet5 alignment needs CHECKPOINT_FACE_DETECTOR=yunet (or use dlib5)")
        return alignment

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = _config_file()
        if config is not None:
            if not config.is_file():
                raise FileNotFoundError(
                    f"{ENV_PREFIX}CONFIG points to {config}, which is not a file: fix the path or unset it"
                )
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)

    @property
    def calibration_dir(self) -> Path:
        return self.data_dir / "calibration"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def watchlists_url(self) -> str:
        # At the centre the lists share the central database, so each change and its audit event commit together.
        return self.watchlists_db_url or self.database_url_or_default

    @property
    def snapshot_private_key_path(self) -> Path:
        return self.snapshot_private_key or self.data_dir / "keys" / "snapshot-signing.pem"

    @property
    def snapshot_public_key_path(self) -> Path:
        return self.snapshot_public_key or self.data_dir / "keys" / "snapshot-signing.pub.pem"

    @property
    def published_snapshots_dir(self) -> Path:
        """Where the centre keeps the signed bundles it has published."""
        return self.data_dir / "published-snapshots"

    @property
    def snapshot_path(self) -> Path:
        return self.snapshot_dir or self.data_dir / "snapshot"

    @property
    def database_url_or_default(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'central.sqlite3'}"

    @property
    def audit_key_path(self) -> Path:
        return self.data_dir / "keys" / "audit-ed25519.pem"

    @property
    def exchange_key_path(self) -> Path:
        """The centre's Ed25519 key for signing exchange requests and answers (not the audit key)."""
        return self.data_dir / "keys" / "exchange-ed25519.pem"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def fallback_detector(self) -> str | None:
        return None if self.face_fallback_detector == "none" else self.face_fallback_detector

    def embedder_options(self) -> dict:
        """Keyword arguments for edge.face.factory.make_embedder / make_analyzer besides the backend name."""
        return {
            "models_dir": self.models_dir,
            "threads": self.onnx_threads,
            "arcface_model": self.arcface_model,
            "arcface_alignment": self.arcface_alignment,
            "flip": self.face_flip,
            # jitter views are averaged with flip: CHECKPOINT_FACE_FLIP=0 alone goes back to the plain templates
            **({"jitter": self.face_jitter} if self.face_flip and self.face_jitter else {}),
        }

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "kiosk-outbox.sqlite3"

    @property
    def kiosk_credentials_path(self) -> Path:
        """The kiosk's offline sign-in cache (scrypt hashes of officers' passwords, never the passwords)."""
        return self.data_dir / "kiosk-officers.sqlite3"

    @property
    def snapshot_inbox_path(self) -> Path:
        return self.kiosk_snapshot_inbox or self.data_dir / "snapshot-inbox"

    @property
    def capture_folder(self) -> Path:
        return self.kiosk_capture_dir or self.data_dir

    @property
    def lfw_dir(self) -> Path:
        return self.shared_data / "lfw-dev"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use."""
    return Settings()
