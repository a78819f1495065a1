"""A LocalStack Lambda runtime executor that runs functions as local processes.

Only the engine's environment (which has LocalStack) imports these modules.
"""
