"""Accept or reject every tracked change of a Word file in LibreOffice, and save its text.

Run by the system Python, which has LibreOffice's `uno` module (Debian: python3-uno):

    /usr/bin/python3 tests/libreoffice_changes.py ACTION IN.docx OUT.txt [ACTION IN OUT ...]

ACTION is accept, reject or none. It starts one headless LibreOffice with a private profile,
opens each IN, runs Writer's own "Accept All" or "Reject All" (none leaves the changes as
they are), and saves the text as LibreOffice's "Text (encoded)" filter writes it.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(pipe: str) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def main(arguments: list[str]) -> int:
    with tempfile.TemporaryDirectory() as profile:
        pipe = f"policykit{pathlib.Path(profile).name}"
        office = subprocess.Popen(
            [
                "soffice",
                "--headless",
                "--invisible",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation={pathlib.Path(profile).as_uri()}",
                f"--accept=pipe,name={pipe};urp;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            context = connect(pipe)
            manager = context.ServiceManager
            desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            dispatcher = manager.createInstanceWithContext(
                "com.sun.star.frame.DispatchHelper", context
            )
            jobs = zip(arguments[::3], arguments[1::3], arguments[2::3], strict=True)
            for action, source, target in jobs:
                url = pathlib.Path(source).resolve().as_uri()
                document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
                if action in COMMANDS:
                    frame = document.getCurrentController().getFrame()
                    dispatcher.executeDispatch(frame, COMMANDS[action], "", 0, ())
                document.storeToURL(
                    pathlib.Path(target).resolve().as_uri(),
                    (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8,LF")),
                )
                document.close(True)
            desktop.terminate()
        finally:
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
