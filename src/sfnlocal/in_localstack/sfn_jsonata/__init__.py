"""JSONata as Step Functions evaluates it, without a JVM: the evaluator (jsonatapy) and
Step Functions' own functions. Plain Python; the LocalStack patch is ``fixes/jsonata.py``."""
