"""A user's own AWS SAM application deploys on the stack through CloudFormation, as on
AWS (CreateStack with the SAM transform and its policy templates), and runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.support.stacks import StackUnderTest
from tests.support.workflow import Workflow

pytestmark = pytest.mark.integration

STACK_TIMEOUT = 120  # seconds for CloudFormation to create or delete the stack

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: A user's own application, deployed as on AWS.
Resources:
  Quote:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Timeout: 10
      InlineCode: |
        def handler(event, context):
            return {"symbol": event["symbol"], "price": 42}
  Reports:
    Type: AWS::SNS::Topic
  Workflow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Quote
        States:
          Quote:
            Type: Task
            Resource: !GetAtt Quote.Arn
            Next: Report
          Report:
            Type: Task
            Resource: arn:aws:states:::sns:publish
            Parameters:
              TopicArn: !Ref Reports
              Message.$: $
            End: true
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Quote
        - SNSPublishMessagePolicy:
            TopicName: !GetAtt Reports.TopicName
Outputs:
  WorkflowArn:
    Value: !Ref Workflow
"""


@pytest.fixture
def sam_stack(stack: StackUnderTest) -> Iterator[dict]:
    """The application deployed as a CloudFormation stack of its own, deleted afterwards."""
    cloudformation = stack.client("cloudformation")
    name = f"user-app-{uuid.uuid4().hex[:8]}"
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=TEMPLATE,
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
    )
    waiting = {"Delay": 1, "MaxAttempts": STACK_TIMEOUT}
    try:
        cloudformation.get_waiter("stack_create_complete").wait(
            StackName=name, WaiterConfig=waiting
        )
        yield cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    finally:
        cloudformation.delete_stack(StackName=name)
        cloudformation.get_waiter("stack_delete_complete").wait(
            StackName=name, WaiterConfig=waiting
        )


def test_a_sam_application_deploys_through_cloudformation_and_runs(stack, sam_stack):
    # GIVEN the application's stack, created from its SAM template
    assert sam_stack["StackStatus"] == "CREATE_COMPLETE"
    resources = stack.client("cloudformation").describe_stack_resources(
        StackName=sam_stack["StackName"]
    )["StackResources"]
    kinds = {r["ResourceType"] for r in resources}
    # (the transform made the function's and the state machine's roles, as on AWS)
    assert {"AWS::Lambda::Function", "AWS::StepFunctions::StateMachine", "AWS::IAM::Role"} <= kinds
    # WHEN its state machine runs
    arn = next(o["OutputValue"] for o in sam_stack["Outputs"] if o["OutputKey"] == "WorkflowArn")
    execution = Workflow(stack.client("stepfunctions"), arn).run({"symbol": "AMZN"})
    # THEN its function answered and its report was published to its topic
    assert execution.status == "SUCCEEDED", execution
    assert execution.state_output("Quote") == {"symbol": "AMZN", "price": 42}
    assert execution.output["MessageId"]
