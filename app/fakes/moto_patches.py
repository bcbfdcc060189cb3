"""Where moto answers differently from AWS, the world serves AWS's answer: the patches, installed in one call.

moto's backends live in this process (the world runs a ``ThreadedMotoServer`` in it, tests use ``mock_aws``),
so the patches replace moto's own models and responses in place. Installing is idempotent and process-wide;
call :func:`install_moto_patches` before the first AWS call.
"""

from __future__ import annotations

from app.fakes.moto_ecs import install_ecs
from app.fakes.moto_lambda import install_lambda
from app.fakes.moto_logs import install_logs_insights
from app.fakes.moto_states import install_step_functions


def install_moto_patches() -> None:
    """Install every patch: Logs Insights queries, Step Functions outcomes, Lambda's account settings, ECS stops."""
    install_logs_insights()
    install_ecs()
    install_step_functions()
    install_lambda()
