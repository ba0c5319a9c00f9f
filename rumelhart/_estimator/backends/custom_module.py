"""A custom torch module's constructor: its parameters checked, errors named.

``module_params`` (or ``set_params(module__<name>=...)``) reach
``module(n_features, n_outputs, **module_params)``. A parameter the
constructor lacks or refuses is reported naming the parameter, the module and
its signature, never as a bare ``TypeError`` from inside the constructor.
"""

import inspect
import re

from ..._engines.torch import nn


def check_module_params(module, params):
    """``params`` for ``module``'s constructor, checked against its signature."""
    if not params:
        return params
    if module is None or isinstance(module, nn.Module):
        raise ValueError(
            "module__ parameters (module_params) reach the constructor of a custom "
            f"module, so module must be a class or callable; got {module!r}."
        )
    try:
        signature = inspect.signature(module)
    except (TypeError, ValueError):
        return params  # a callable without a signature: let it decide
    names = signature.parameters
    if any(p.kind is p.VAR_KEYWORD for p in names.values()):
        return params
    unknown = sorted(set(params) - set(names))
    if unknown:
        accepted = [n for n in names if n not in ("n_features", "n_outputs")]
        raise ValueError(
            f"module {getattr(module, '__name__', module)!r} has no parameter "
            f"{', '.join(map(repr, unknown))}; its parameters are {accepted}."
        )
    return params


def construct_module(module, n_features, n_outputs, params):
    """``module(n_features, n_outputs, **params)``: a parameter the constructor
    needs and lacks, or refuses, is reported naming it and the module, with
    the constructor's signature (not as a bare TypeError from inside it)."""
    name = getattr(module, "__name__", repr(module))
    try:
        signature = f"{name}{inspect.signature(module)}"
    except (TypeError, ValueError):
        signature = None  # a callable without a signature: let it decide
    else:
        try:
            inspect.signature(module).bind(n_features, n_outputs, **params)
        except TypeError as exc:
            raise ValueError(
                f"module {name!r} cannot be built as {name}(n_features, "
                f"n_outputs, **module_params) with module_params={params!r}: "
                f"{exc}. Its constructor is {signature}; set its parameters with "
                "module_params or set_params(module__<name>=value)."
            ) from exc
    try:
        return module(n_features, n_outputs, **params)
    except TypeError as exc:
        refused = re.search(r"unexpected keyword argument '(\w+)'", str(exc))
        if refused is None or refused[1] not in params:
            raise
        raise ValueError(
            f"module {name!r} does not take the parameter {refused[1]!r} given in "
            f"module_params (its constructor raised: {exc}); its constructor is "
            f"{signature or name}."
        ) from exc
