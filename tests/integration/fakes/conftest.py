"""A moto server with the world's patches installed, shared by the module and reset before each test."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from app.fakes.moto_patches import install_moto_patches


@pytest.fixture(scope="module")
def moto_url(module_aws_env: None) -> Iterator[str]:
    install_moto_patches()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def client(moto_url: str, loopback_only: list[str]) -> Callable[[str], Any]:
    """``client("logs")``: a real boto3 client of the fresh moto server."""
    httpx.post(f"{moto_url}/moto-api/reset", timeout=10).raise_for_status()

    def make(service: str) -> Any:
        return boto3.client(service, region_name="us-east-1", endpoint_url=moto_url)  # type: ignore[call-overload]

    return make
