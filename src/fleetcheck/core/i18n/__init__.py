"""Findings in the user's language: message codes with parameters, rendered in `en` or `de`.

A check builds its summary, reason and fix as `Message(code, params)` (see
`msg`). The English text is rendered at once and kept in the result for JSON
readers; the code and the parameters travel with it, so any front end can
render the finding again in another language with that language's number
format (`93,1 %` in German). Templates: `messages.py` (English, the msgid),
translations: `de.po` (gettext, msgctxt = code), see `render.py`.
"""

from __future__ import annotations

from fleetcheck.core.i18n.render import (
    LANGUAGES,
    Message,
    Rendered,
    msg,
    part,
    render,
    render_check,
    render_result,
    translation_missing,
    what_params,
)

__all__ = ["LANGUAGES", "Message", "Rendered", "msg", "part", "render", "render_check", "render_result",
           "translation_missing", "what_params"]
