"""ONNX graphs under construction: nodes and constants under unique names.

The graph builder (:mod:`._network`) writes through this small interface,
so that the same code fills a skl2onnx converter's container
(:class:`ContainerGraph`) and a graph exported by torch
(:class:`ProtoGraph`).
"""

import itertools

import numpy as np
from onnx import TensorProto, helper, numpy_helper


class Graph:
    """Adds nodes and constants to an ONNX graph, under unique names."""

    def name(self, seed):
        """A new unique name starting with ``seed``."""
        raise NotImplementedError

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        raise NotImplementedError

    def _add_tensor(self, name, values):
        raise NotImplementedError

    def const(self, seed, values):
        """The name of a new initializer holding ``values``."""
        name = self.name(seed)
        self._add_tensor(name, np.asarray(values))
        return name

    def node(self, op_type, *inputs, out=None, domain="", **attributes):
        """Add one node; returns the name of its output (``out`` if given)."""
        out = out or self.name(op_type.lower())
        self._add_node(op_type, list(inputs), [out], domain, attributes)
        return out


def _encoded(values):
    """Strings as the UTF-8 bytes a ``TensorProto`` holds."""
    return [value.encode("utf-8") for value in values.ravel()]


class ContainerGraph(Graph):
    """A skl2onnx converter's scope and container."""

    def __init__(self, scope, container):
        self.scope, self.container = scope, container

    def name(self, seed):
        return self.scope.get_unique_variable_name(seed)

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(
            op_type, inputs, outputs, op_domain=domain, name=name, **attributes
        )

    def _add_tensor(self, name, values):
        if values.dtype.kind == "U":  # a TensorProto would lose the strings
            self.container.add_initializer(
                name, TensorProto.STRING, list(values.shape), _encoded(values)
            )
            return
        tensor = numpy_helper.from_array(values, name)
        self.container.add_initializer(name, tensor.data_type, values.shape, tensor)


class ProtoGraph(Graph):
    """A ``onnx.GraphProto``, extended in place."""

    def __init__(self, graph):
        self.graph = graph
        self._count = itertools.count()

    def name(self, seed):
        return f"rumelhart_{seed}_{next(self._count)}"

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        node = helper.make_node(
            op_type, inputs, outputs, name=self.name(op_type), domain=domain
        )
        node.attribute.extend(
            helper.make_attribute(key, value) for key, value in attributes.items()
        )
        self.graph.node.append(node)

    def _add_tensor(self, name, values):
        if values.dtype.kind == "U":
            tensor = helper.make_tensor(
                name, TensorProto.STRING, values.shape, _encoded(values)
            )
        else:
            tensor = numpy_helper.from_array(values, name)
        self.graph.initializer.append(tensor)
