"""Extensions are created unbound here and bound to an app in ``create_app``."""

from flask_babel import Babel
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
