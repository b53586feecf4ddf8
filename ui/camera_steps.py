"""The steps that use the camera: the renewal's photo and the face check.

:class:`CameraSteps` belongs to the controller. It opens the kiosk's camera
(``KioskServices.camera``, a factory), runs a
:class:`devices.camera.preview.LivePreview` while the photo screen shows it,
and turns what happens into workflow steps:

- renewal: the capture → review → 使用这张照片 → ``wf.take_photo(jpeg)``; 重拍 → a new
  preview; a child below the pack's age → ``wf.skip_photo()``;
- face: the capture → ``wf.show_face(jpeg)`` at once; 使用短信验证码 → the SMS
  code instead (always offered: the face check is never the only way).

A camera that is missing, busy or unplugged mid-preview ends the preview
with a sentence on the same screen (try again, another way, or cancel), a
journal entry, and the session goes on. The preview stops whenever another
screen is shown, and its pictures are forgotten.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from . import messages

if TYPE_CHECKING:
    from .controller import KioskController

log = logging.getLogger(__name__)


class CameraSteps(QObject):
    def __init__(self, ctl: "KioskController"):
        super().__init__(ctl)
        self.ctl = ctl
        self.preview: Any = None
        self._wf: Any = None
        self._service = None
        self._purpose = "renewal"
        self._exempt = False

    # --- wiring ------------------------------------------------------------------------
    def wire(self, screen) -> None:
        screen.captured.connect(self._on_captured)
        screen.cameraFailed.connect(self._on_failed)
        screen.hintSpoken.connect(self.ctl._say_text)
        screen.citizenPresent.connect(self.ctl._touch)

    @property
    def available(self) -> bool:
        return self.ctl.services.camera is not None

    # --- the two steps -----------------------------------------------------------------
    def take_photo(self, wf: Any, service, *, exempt: bool, message=None) -> None:
        self._wf, self._service, self._purpose, self._exempt = wf, service, "renewal", exempt
        self._start(message)

    def check_face(self, wf: Any, service, message=None) -> None:
        self._wf, self._service, self._purpose, self._exempt = wf, service, "face", False
        self._start(message)

    def _start(self, message=None) -> None:
        ctl = self.ctl
        ctl._clear_targets()
        self.stop()
        wf = self._wf
        ctl._actions = {"cancel": ctl.cancel_workflow, "retry": lambda: self._start(),
                        "retake": lambda: self._start()}
        if self._purpose == "renewal":
            ctl._actions.update(use=self._use_photo, skip=lambda: ctl.act(wf.skip_photo))
        else:
            ctl._actions["other"] = lambda: ctl.act(wf.use_sms_instead)
        screen = ctl.window.photo
        ctl._show(screen)
        if not self.available:
            self._on_failed(None)
            return
        try:
            from devices.camera.preview import LivePreview

            self.preview = LivePreview(ctl.services.camera(),
                                       hold_s=ctl.settings.photo_hold_s).start()
        except Exception as exc:  # noqa: BLE001 - a camera that cannot even be made
            log.warning("the camera could not be started: %s", type(exc).__name__)
            self._on_failed(exc)
            return
        screen.start_live(self.preview, purpose=self._purpose, service=self._service,
                          exempt=self._exempt, message=message)

    def stop(self) -> None:
        """Stop the preview (the camera is released by its own thread) and forget its pictures."""
        preview, self.preview = self.preview, None
        if preview is not None:
            preview.stop(timeout=0.5)
            preview.wipe()

    # --- what the screen reports -----------------------------------------------------------
    def _on_captured(self, jpeg: bytes) -> None:
        ctl = self.ctl
        self.stop()
        if ctl.session is None or ctl.window.current_screen() is not ctl.window.photo:
            return
        ctl._touch()
        if self._purpose == "face":
            ctl.act(self._wf.show_face, jpeg)
        else:
            ctl.window.photo.show_review(jpeg)

    def _on_failed(self, error) -> None:
        ctl = self.ctl
        self.stop()
        code = getattr(error, "code", None) or ("CAMERA_MISSING" if error is None
                                                else type(error).__name__)
        log.warning("camera step failed: %s", code)
        ctl._journal_step(ctl.session, "camera_failed", code=code, purpose=self._purpose)
        if ctl.window.current_screen() is ctl.window.photo:
            ctl.window.photo.show_failed(lambda: messages.camera_problem(code))

    def _use_photo(self) -> None:
        jpeg = self.ctl.window.photo.jpeg
        wf = self._wf
        if jpeg is None or wf is None:
            return
        self.ctl.window.photo.stop()
        self.ctl.act(wf.take_photo, jpeg)
