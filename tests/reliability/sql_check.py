"""A static check that SQL text is built only from constants of our own code.

An expression is *trusted* when everything it can contain was written in the
source: string and number literals, UPPER_CASE module constants, numbers
(``int()``, ``len()``), joins, formats and f-strings of trusted parts, local
names every binding of which is trusted, parameters every caller passes a
trusted value for, and calls to our own functions whose returns are trusted.
Values from input reach SQL only as ``?`` parameters, never as text.

Every ``execute``/``executemany``/``executescript`` argument must be trusted,
and so must every f-string, ``%`` or ``.format`` whose literal text is SQL.
What this analysis cannot follow is listed in ``ALLOWED`` with the reason it
is safe; anything else new is reported as ``path:line``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

EXECUTE = frozenset({"execute", "executemany", "executescript"})
CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
SQL_TEXT = re.compile(
    r"\b(SELECT|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA"
    r"|CREATE\s+(TABLE|INDEX|VIEW)|WHERE|VALUES|GLOB|julianday)\b"
)
NUMERIC_CALLS = frozenset({"int", "len", "float", "bool"})
CONTAINER_CALLS = frozenset({"list", "tuple", "sorted", "set", "frozenset"})
MUTATORS = frozenset({"append", "extend", "insert", "add"})

Scope = tuple[str, str]  # (file relative to src, function name or "" for module level)


class Source:
    """Every module under a folder, with each node's function and every call by name."""

    def __init__(self, root: Path):
        self.root = root
        self.trees: dict[str, ast.Module] = {}
        self.functions: dict[str, list[tuple[str, ast.FunctionDef]]] = {}
        self.calls: dict[str, list[tuple[str, ast.FunctionDef | None, ast.Call]]] = {}
        self.owner: dict[int, ast.FunctionDef | None] = {}
        for path in sorted(root.rglob("*.py")):
            name = str(path.relative_to(root))
            tree = ast.parse(path.read_text(), filename=name)
            self.trees[name] = tree
            self._index(name, tree, None)

    def _index(self, module: str, node: ast.AST, function: ast.FunctionDef | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(child.name, []).append((module, child))
                inner = child
            self.owner[id(child)] = inner
            if isinstance(child, ast.Call):
                self.calls.setdefault(_callee(child), []).append((module, function, child))
            self._index(module, child, inner)


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _literal_text(node: ast.AST) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + _literal_text(node.right)
    return ""


class Checker:
    def __init__(self, source: Source, allowed: dict[tuple[str, str, str], str]):
        self.source = source
        self.allowed = allowed
        self.busy: set[tuple] = set()

    # -- where SQL is made -------------------------------------------------

    def problems(self) -> Iterator[str]:
        for module, tree in self.source.trees.items():
            for node in ast.walk(tree):
                function = self.source.owner.get(id(node))
                checked = self._sql_made_by(node)
                if checked is not None and not self.trusted(checked, module, function):
                    yield f"{module}:{node.lineno}: {ast.unparse(checked)[:90]}"

    def _sql_made_by(self, node: ast.AST) -> ast.AST | None:
        if isinstance(node, ast.Call) and _callee(node) in EXECUTE and node.args:
            if isinstance(node.func, ast.Attribute):
                return node.args[0]
        if isinstance(node, ast.JoinedStr) and SQL_TEXT.search(_literal_text(node)):
            return node
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            if SQL_TEXT.search(_literal_text(node.left)):
                return node
        if isinstance(node, ast.Call) and _callee(node) == "format":
            if SQL_TEXT.search(_literal_text(node.func.value)):
                return node
        return None

    # -- what a value may hold -------------------------------------------------

    def trusted(self, node: ast.AST, module: str, function: ast.FunctionDef | None) -> bool:
        key = (id(node), module)
        if key in self.busy:
            return True  # a cycle (x = x + ...) adds nothing new
        self.busy.add(key)
        try:
            return self._trusted(node, module, function)
        finally:
            self.busy.discard(key)

    def _all(self, nodes, module: str, function) -> bool:
        return all(self.trusted(node, module, function) for node in nodes)

    def _trusted(self, node: ast.AST, module: str, function) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return self._name(node.id, module, function)
        if isinstance(node, ast.Attribute):
            return bool(CONSTANT_NAME.match(node.attr))
        if isinstance(node, ast.JoinedStr):
            values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
            return self._all(values, module, function)
        if isinstance(node, ast.BinOp):
            return self._all((node.left, node.right), module, function)
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return self._all(node.elts, module, function)
        if isinstance(node, ast.Dict):
            return self._all(node.values, module, function)
        if isinstance(node, ast.IfExp):
            return self._all((node.body, node.orelse), module, function)
        if isinstance(node, ast.BoolOp):
            return self._all(node.values, module, function)
        if isinstance(node, ast.DictComp):
            return self.trusted(node.value, module, function)
        if isinstance(node, (ast.Subscript, ast.Starred)):
            return self.trusted(node.value, module, function)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            return self.trusted(node.elt, module, function)
        if isinstance(node, ast.Call):
            return self._call(node, module, function)
        return False

    def _call(self, call: ast.Call, module: str, function) -> bool:
        name = _callee(call)
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        if isinstance(call.func, ast.Name) and name in NUMERIC_CALLS:
            return True
        if isinstance(call.func, ast.Name) and name in CONTAINER_CALLS:
            return self._all(arguments, module, function)
        if isinstance(call.func, ast.Attribute) and name in ("join", "format", "items",
                                                              "keys", "values"):
            return self._all([call.func.value, *arguments], module, function)
        index = call.index if isinstance(call, _IndexedCall) else None
        defined = self.source.functions.get(name)
        return bool(defined) and all(self._returns(module_, definition, index)
                                     for module_, definition in defined)

    def _returns(self, module: str, definition: ast.FunctionDef, index: int | None) -> bool:
        """Whether what ``definition`` returns (element ``index`` of tuples) is trusted."""
        returns = [node.value for node in ast.walk(definition)
                   if isinstance(node, ast.Return) and node.value is not None
                   and self.source.owner.get(id(node)) is definition]
        if index is not None:
            returns = [value.elts[index] if isinstance(value, ast.Tuple) else value
                       for value in returns]
        return bool(returns) and self._all(returns, module, definition)

    def _name(self, name: str, module: str, function) -> bool:
        if CONSTANT_NAME.match(name):
            return True
        if (module, function.name if function else "", name) in self.allowed:
            return True
        if function is not None and name in _parameters(function):
            return self._parameter(function, name)
        values = []
        if function is not None:
            values = list(_bindings(function, name, self.source, function))
        if not values:  # a module-level name
            values = list(_bindings(self.source.trees[module], name, self.source, None))
            function = None
        return bool(values) and self._all(values, module, function)

    def _parameter(self, function: ast.FunctionDef, name: str) -> bool:
        """Trusted when every call in the source passes a trusted value (or the default)."""
        position = _parameters(function).index(name)
        default = _default(function, name)
        sites = self.source.calls.get(function.name, [])
        if not sites:
            return False
        for module, caller, call in sites:
            passed = _argument(call, name, position, function)
            if passed is None:
                if default is None or not self.trusted(default, module, caller):
                    return False
            elif not self.trusted(passed, module, caller):
                return False
        return True


def _parameters(function: ast.FunctionDef) -> list[str]:
    names = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    return names + [arg.arg for arg in function.args.kwonlyargs]


def _default(function: ast.FunctionDef, name: str) -> ast.AST | None:
    positional = [arg.arg for arg in (*function.args.posonlyargs, *function.args.args)]
    if name in positional:
        offset = len(positional) - len(function.args.defaults)
        index = positional.index(name) - offset
        return function.args.defaults[index] if index >= 0 else None
    keyword_names = [arg.arg for arg in function.args.kwonlyargs]
    return function.args.kw_defaults[keyword_names.index(name)]


def _argument(call: ast.Call, name: str, position: int, function) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if isinstance(call.func, ast.Attribute) and _parameters(function)[:1] == ["self"]:
        position -= 1  # a method called on its instance
    return call.args[position] if 0 <= position < len(call.args) else None


def _bindings(scope: ast.AST, name: str, source: Source, function) -> Iterator[ast.AST]:
    """Every value ``name`` gets in ``scope`` (not in functions nested inside it)."""
    for node in ast.walk(scope):
        if source.owner.get(id(node)) is not function:
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                yield from _matched(target, node.value, name)
        elif isinstance(node, (ast.For, ast.comprehension)):
            yield from _matched(node.target, node.iter, name, element=True)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            held = node.func.value
            if node.func.attr in MUTATORS and isinstance(held, ast.Name) and held.id == name:
                yield from node.args[-1:]


def _matched(target: ast.AST, value: ast.AST, name: str, element: bool = False):
    """The part of ``value`` that ends up in ``name`` when assigned to ``target``."""
    if isinstance(target, ast.Name):
        if target.id == name:
            yield value
    elif isinstance(target, ast.Subscript):
        if isinstance(target.value, ast.Name) and target.value.id == name:
            yield value
    elif isinstance(target, (ast.Tuple, ast.List)):
        for index, part in enumerate(target.elts):
            if _mentions(part, name):
                yield from _matched(part, _part(value, index, element), name)


def _part(value: ast.AST, index: int, element: bool) -> ast.AST:
    """Position ``index`` of what ``value`` holds (of each element, for loops)."""
    rows = value.elts if element and isinstance(value, (ast.Tuple, ast.List)) else None
    if rows and all(isinstance(row, (ast.Tuple, ast.List)) for row in rows):
        return ast.Tuple(elts=[row.elts[index] for row in rows], ctx=ast.Load())
    if not element and isinstance(value, (ast.Tuple, ast.List)):
        return value.elts[index]
    if not element and isinstance(value, ast.Call):
        return _IndexedCall(value, index)
    return value


class _IndexedCall(ast.Call):
    """A call whose result is unpacked: only element ``index`` of its returns matters."""

    def __init__(self, call: ast.Call, index: int):
        super().__init__(func=call.func, args=call.args, keywords=call.keywords)
        self.index = index


def _mentions(target: ast.AST, name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(target))
