"""Settings for the test suite and the type checker: Syslead's own settings with a throwaway secret
key, because Syslead refuses to start with DEBUG off and no SECRET_KEY (and tests run with DEBUG
off, as production does). Nothing that serves requests uses this module."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-5e1b0c2f7d9a4e6b8c3d1f0a2b4c6d8e")

from syslead.settings import *  # noqa: F403

# Every test's client loads the middleware anew, and WhiteNoise would then list every static file
# again (longer than most requests take): it looks a file up when asked for it, as with DEBUG.
WHITENOISE_AUTOREFRESH = True
