"""Fixes of LocalStack 2026.3.0's behaviour where it differs from AWS.

Each module names the AWS behaviour it restores and where AWS documents it,
declares its patch targets with :class:`sfnlocal.in_localstack.patching.Target`
and has an ``install()`` that ``hooks.py`` calls. ``SFNLOCAL_FIXES=0`` leaves
them all out, ``SFNLOCAL_FIXES_OFF=name,name`` some (names: ``hooks.FIXES``).
"""
