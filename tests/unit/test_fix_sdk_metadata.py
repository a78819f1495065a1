"""The SDK metadata AWS adds to an optimized integration's result (fixes/sdk_metadata.py)."""

from __future__ import annotations

import re

from sfnlocal.in_localstack.fixes.sdk_metadata import (
    AWS_SDK_HEADERS,
    LAMBDA_HEADERS,
    sdk_metadata,
    trace_id,
)

LOCAL_SNS = {
    "RequestId": "req-1",
    "HTTPStatusCode": 200,
    "HTTPHeaders": {
        "content-type": "text/xml",
        "content-length": "309",
        "x-amzn-requestid": "req-1",
        "x-localstack": "true",
        "connection": "close",
        "date": "Tue, 01 Dec 2026 12:27:40 GMT",
        "server": "hypercorn-h11",
    },
}


def test_keeps_the_local_answer_in_aws_spelling_and_only_aws_headers():
    # GIVEN LocalStack's answer to an SNS publish  WHEN it is shaped as AWS's
    metadata = sdk_metadata(LOCAL_SNS, AWS_SDK_HEADERS, "text/xml")
    # THEN the request id, length and date are the local ones, under AWS's header names
    assert metadata["SdkHttpMetadata"]["HttpHeaders"] == {
        "connection": "keep-alive",
        "Content-Length": "309",
        "Content-Type": "text/xml",
        "Date": "Tue, 01 Dec 2026 12:27:40 GMT",
        "x-amzn-RequestId": "req-1",
    }
    assert metadata["SdkHttpMetadata"]["AllHttpHeaders"]["Content-Length"] == ["309"]
    assert metadata["SdkHttpMetadata"]["HttpStatusCode"] == 200
    assert metadata["SdkResponseMetadata"] == {"RequestId": "req-1"}


def test_lambda_gets_awss_content_type_and_its_own_headers():
    local = {
        "RequestId": "req-2",
        "HTTPStatusCode": 200,
        "HTTPHeaders": {
            "content-type": "text/plain; charset=utf-8",
            "content-length": "2",
            "x-amz-executed-version": "$LATEST",
            "x-amzn-requestid": "req-2",
        },
    }
    headers = sdk_metadata(local, LAMBDA_HEADERS, "application/json")["SdkHttpMetadata"][
        "HttpHeaders"
    ]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Amz-Executed-Version"] == "$LATEST"
    assert headers["x-amzn-Remapped-Content-Length"] == "0"
    assert "X-Amz-Log-Result" not in headers  # only when the invoke asked for the log
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", headers["Date"])


def test_trace_id_has_x_rays_format():
    assert re.fullmatch(r"Root=1-5f000000-[0-9a-f]{24};Sampled=0", trace_id(0x5F000000))
