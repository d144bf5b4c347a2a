"""WXML -> one JS expression that renders VNodes (the contract the card runtime relies on).

``compile_template(files, path).js`` evaluates (``(0, eval)(js)``) to ``{ file, render(data, R) }``;
``render`` returns ``VNode[]``. ``R`` is built by the caller from ``WXML_RUNTIME_JS`` and the generated
code uses only ``R.m``, ``R.s``, ``R.each``, ``R.wxs``, ``R.line`` and ``R.file`` (and ``R.c`` / ``R.f``
when method calls are compiled as JavaScript). Templates are resolved inside the generated code
(``R.tpl`` is not used). See ``wxreplay/cards/wxml/__init__.py`` for the VNode shapes and the
whitespace rules.

Method calls: WXML data binding documents no calls but those of ``<wxs>`` module functions (platform
spec, addendum A1), and the client shows nothing where a template calls a method of a data value
(``{{item.date.slice(5)}}``). ``calls="undefined"`` (the default) compiles such a call to
``undefined`` without evaluating it and lists it in ``CompiledTemplate.method_calls`` (the card host
turns each into a warning finding); ``calls="javascript"`` evaluates it in the card's context, for
teams whose client does.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from wxreplay.cards.wxml.expr import Call, ExprError, emit, emit_js_call, js_string, parse_expression
from wxreplay.cards.wxml.parser import Attr, Document, Element, Node, Source, Text, find_interpolation_end, parse_wxml
from wxreplay.cards.wxml.rules import check_card_rules, event_of
from wxreplay.cards.wxml.runtime_js import WXML_RUNTIME_JS as WXML_RUNTIME_JS  # re-exported: card.py imports it from here
from wxreplay.config import WXML_CALLS, WxmlCalls
from wxreplay.errors import TemplateError
from wxreplay.source import MAX_NESTING, did_you_mean

_HELPERS = """function $getDate(){var a=Array.prototype.slice.call(arguments);\
return new (Function.prototype.bind.apply(Date,[null].concat(a)))();}
function $getRegExp(p,f){return new RegExp(p,f===undefined?'':f);}
function $none(){return [];}
function $tpl(t,n){return Object.prototype.hasOwnProperty.call(t,n)?t[n]:$none;}"""

_CONTROL = frozenset(("wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-items", "wx:for-item", "wx:for-index", "wx:key"))
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_BLANK = re.compile(r"[ \t\n\f]*")
_WS_RUN = re.compile(r"[ \t\n\f]+")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_NAMED = {"nbsp": "\u00a0", "lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "ensp": "\u2002", "emsp": "\u2003"}
_REQUIRE = re.compile(r"\brequire\s*\(\s*(['\"])([^'\"\n]*)\1\s*\)")


@dataclass(frozen=True)
class MethodCall:
    """A call in a ``{{ }}`` that is not a ``<wxs>`` module function's, compiled to ``undefined``.

    ``call`` is its source text (``item.date.slice(5)``), ``expression`` the whole ``{{ }}`` it is in
    (whitespace collapsed, cut at 80 characters); ``file:line:column`` where the call begins.
    """

    file: str
    line: int
    column: int
    call: str
    expression: str


@dataclass(frozen=True)
class CompiledTemplate:
    """A compiled card template: ``js`` is a JS expression evaluating to ``{ file, render(data, R) }``."""

    path: str
    js: str
    tags_used: tuple[str, ...]  # every tag in the file and its imports/includes, sorted
    dependencies: tuple[str, ...]  # imported/included .wxml and .wxs files, in discovery order
    method_calls: tuple[MethodCall, ...] = ()  # calls compiled to undefined, in source order per file


def compile_template(files: Mapping[str, str], path: str, *, calls: WxmlCalls = "undefined") -> CompiledTemplate:
    """Compile the component template ``path`` (a key of ``files``: project-relative posix paths -> text).

    ``calls`` says what a method call in ``{{ }}`` becomes (see the module docstring): ``"undefined"``
    (listed in ``method_calls``) or ``"javascript"`` (evaluated when the card renders).
    """
    if calls not in WXML_CALLS:
        raise ValueError(f"calls must be one of {', '.join(WXML_CALLS)}, not {calls!r}")
    return _Compiler(files, calls).compile(posixpath.normpath(path))


def decode_entities(text: str) -> str:
    """Decode ``&nbsp; &lt; &gt; &amp; &quot; &apos; &ensp; &emsp;`` and numeric references; leave others."""

    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        if body[0] != "#":
            return _NAMED.get(body, m.group(0))
        code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _ENTITY.sub(one, text) if "&" in text else text


def dataset_key(name: str) -> str:
    """WeChat's dataset naming: ``data-drink-id`` -> ``drinkId``, ``data-elementType`` -> ``elementtype``."""
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name.lower())


@dataclass
class _Unit:
    path: str
    doc: Document
    var: str  # JS variable holding the path
    templates: dict[str, Element] = field(default_factory=dict)
    tpl_ids: dict[str, str] = field(default_factory=dict)
    wxs: dict[str, str] = field(default_factory=dict)  # module name -> wxs id
    imports: list[str] = field(default_factory=list)
    compiled: bool = False


@dataclass(frozen=True)
class _Ctx:
    file: _Unit  # where the nodes physically are (R.file, VNode.file)
    table: Mapping[str, str]  # <template is> name -> JS function
    wxs: Mapping[str, str]  # wxs module name -> id
    vars: Mapping[str, str]  # wx:for item/index name -> JS local
    preserve: bool  # inside <text>: keep whitespace
    includes: tuple[str, ...]  # include chain (cycle detection)
    depth: int = 0  # elements and includes around these nodes: the compiler recurses per level


class _Js:
    """An emitted ``{{ }}`` part."""

    __slots__ = ("js",)

    def __init__(self, js: str) -> None:
        self.js = js


class _Scope:
    """Compile-time identifier resolution: wx:for variables (innermost) > wxs modules > data fields.

    Also what a method call becomes: a JS call (``calls="javascript"``), else ``undefined``, the call
    kept in ``method_calls`` for the caller to locate.
    """

    def __init__(self, ctx: _Ctx, calls: WxmlCalls) -> None:
        self.ctx = ctx
        self.calls = calls
        self.method_calls: list[Call] = []

    def method_call(self, call: Call) -> str:
        if self.calls == "javascript":
            return emit_js_call(call, self)
        self.method_calls.append(call)
        return "undefined"  # not evaluated: the arguments are not either

    def name(self, name: str) -> str:
        local = self.ctx.vars.get(name)
        if local is not None:
            return local
        return self.wxs_module(name) or f"R.m(d,{js_string(name)})"

    def wxs_module(self, name: str) -> str | None:
        if name in self.ctx.vars or name not in self.ctx.wxs:
            return None
        return f"R.wxs($W,{js_string(self.ctx.wxs[name])})"


class _Compiler:
    def __init__(self, files: Mapping[str, str], calls: WxmlCalls) -> None:
        self.files = files
        self.calls = calls
        self.method_calls: dict[tuple[str, int, int], MethodCall] = {}  # an included file compiles once per include
        self.units: dict[str, _Unit] = {}
        self.deps: list[str] = []
        self.wxs_defs: dict[str, str] = {}
        self.tables: dict[tuple[tuple[str, str], ...], str] = {}
        self.functions: list[str] = []
        self.n = 0

    # ---- driver ----------------------------------------------------------------------------------

    def compile(self, path: str) -> CompiledTemplate:
        if path not in self.files:
            raise TemplateError(f"template {path} not found among the package files", file=path)
        main = self._unit(path, None)
        ctx = _Ctx(main, self._table(main), main.wxs, {}, False, (path,))
        out = self._var("o")
        body = self._nodes(main.doc.children, ctx, out)
        while pending := [u for u in self.units.values() if not u.compiled]:
            for unit in pending:
                unit.compiled = True
                for name, el in unit.templates.items():
                    self._template_def(unit, name, el)
        files = ",".join(f"{u.var}={js_string(u.path)}" for u in self.units.values())
        tables = "".join(f"var {var}={{{','.join(f'{js_string(k)}:{v}' for k, v in items)}}};\n"
                         for items, var in self.tables.items())  # fmt: skip
        js = (
            f"(function(){{\nvar {files};\n{_HELPERS}\nvar $W={{{','.join(self.wxs_defs.values())}}};\n"
            + "\n".join(self.functions)
            + f"\n{tables}return {{file:{main.var},wxs:$W,render:function(d,R){{R.file={main.var};var {out}=[];\n"
            + "\n".join(body)
            + f"\nreturn {out};}}}};\n}})()"
        )
        tags = sorted({el.tag for u in self.units.values() for el in u.doc.elements()})
        order = {u.path: i for i, u in enumerate(self.units.values())}
        found = sorted(self.method_calls.values(), key=lambda c: (order.get(c.file, 0), c.line, c.column))
        return CompiledTemplate(path, js, tuple(tags), tuple(self.deps), tuple(found))

    def _var(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    # ---- files -----------------------------------------------------------------------------------

    def _resolve(self, base: str, attr: Attr, ext: str, what: str, source: Source) -> str:
        spec = (attr.value or "").strip()
        if not spec or "{{" in spec:
            raise source.error(attr.offset, f"{what} needs a static src path", hint=f'write src="./file{ext}"')
        p = posixpath.normpath(spec.lstrip("/") if spec.startswith("/") else posixpath.join(posixpath.dirname(base), spec))
        if p == ".." or p.startswith("../"):
            raise source.error(attr.value_offset, f"{what} src {spec!r} points outside the project")
        return p + ext if not posixpath.splitext(p)[1] else p

    def _unit(self, path: str, ref: tuple[Source, Attr, str] | None, depth: int = 0) -> _Unit:
        if path in self.units:
            return self.units[path]
        if depth > MAX_NESTING and ref is not None:  # each import is compiled inside the importer's call
            source, attr, _ = ref
            raise source.error(attr.value_offset, f"imports chain more than {MAX_NESTING} files", hint=_DEEP_HINT)
        text = self.files.get(path)
        if text is None:
            assert ref is not None
            source, attr, what = ref
            raise source.error(
                attr.value_offset,
                f"{what} target {attr.value!r} not found (resolved to {path})",
                hint="check the path: relative to this file, or from the project root with a leading /",
            )
        doc = parse_wxml(path, text)
        violations = check_card_rules(doc)
        if violations:
            v = violations[0]
            raise doc.source.error_at(v.line or 1, v.column or 1, f"{v.message} [{v.rule}]", v.hint)
        unit = _Unit(path, doc, f"$F{len(self.units)}")
        self.units[path] = unit
        if ref is not None:
            self.deps.append(path)
        src = doc.source
        imports: list[tuple[str, Attr]] = []
        for el in doc.elements():
            if el.tag == "template":
                name = el.attr("name")
                if name is not None:
                    key = (name.value or "").strip()
                    if not key or "{{" in key:
                        raise src.error(name.offset, "<template name> must be a static, non-empty name")
                    if key in unit.templates:
                        first = unit.templates[key]
                        raise src.error(el.offset, f"template {key!r} is defined twice (first at line {first.line})")
                    unit.templates[key] = el
                    unit.tpl_ids[key] = self._var("$T")
                elif not el.has("is"):
                    raise src.error(el.offset, '<template> needs is="name" (to use one) or name="name" (to define one)')
            elif el.tag == "wxs":
                self._wxs_tag(unit, el)
            elif el.tag == "import":
                a = el.attr("src")
                if a is None:
                    raise src.error(el.offset, "<import> needs a src attribute")
                imports.append((self._resolve(path, a, ".wxml", "import", src), a))
        for target, a in imports:
            self._unit(target, (src, a, "import"), depth + 1)
            unit.imports.append(target)
        return unit

    def _table(self, unit: _Unit) -> dict[str, str]:
        """Templates visible in ``unit``: its imports' own templates (later imports win), then its own."""
        table: dict[str, str] = {}
        for imp in unit.imports:
            table.update(self.units[imp].tpl_ids)
        table.update(unit.tpl_ids)
        return table

    # ---- wxs -------------------------------------------------------------------------------------

    def _wxs_tag(self, unit: _Unit, el: Element) -> None:
        src = unit.doc.source
        mod = el.attr("module")
        name = (mod.value or "").strip() if mod else ""
        if mod is None or not _IDENT.fullmatch(name):
            raise src.error(mod.offset if mod else el.offset, '<wxs> needs module="name" (a JS identifier)')
        if name in unit.wxs:
            raise src.error(mod.offset, f"wxs module {name!r} is defined twice in this file")
        a = el.attr("src")
        if a is not None:
            wxs_id = self._wxs_file(self._resolve(unit.path, a, ".wxs", "wxs", src), (src, a.value_offset, a.value or ""))
        else:
            code = el.children[0] if el.children and isinstance(el.children[0], Text) else None
            wxs_id = f"{unit.path}#{name}"
            self._wxs_def(wxs_id, code.raw if code else "", unit.path, src, code.offset if code else el.offset)
        unit.wxs[name] = wxs_id

    def _wxs_file(self, path: str, ref: tuple[Source, int, str]) -> str:
        if path in self.wxs_defs:
            return path
        text = self.files.get(path)
        if text is None:
            source, offset, spec = ref
            raise source.error(
                offset,
                f"wxs file {spec!r} not found (resolved to {path})",
                hint="check the path: relative to the requiring file, or from the project root with /",
            )
        if not path.endswith(".wxs"):
            raise ref[0].error(ref[1], f"wxs can only load .wxs files, not {path}")
        self.deps.append(path)
        self._wxs_def(path, text, path, Source(path, text), 0)
        return path

    def _wxs_def(self, wxs_id: str, code: str, base: str, source: Source, offset: int) -> None:
        self.wxs_defs[wxs_id] = ""  # placeholder: require cycles terminate
        requires: dict[str, str] = {}
        for m in _REQUIRE.finditer(_blank_comments(code)):
            spec = m.group(2)
            at = offset + m.start(2)
            if spec.startswith("/"):
                target = posixpath.normpath(spec.lstrip("/"))
            else:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(base), spec))
            if not posixpath.splitext(target)[1]:
                target += ".wxs"
            requires[spec] = self._wxs_file(target, (source, at, spec))
        reqs = ",".join(f"{js_string(k)}:{js_string(v)}" for k, v in requires.items())
        code = code.replace("\r\n", "\n")
        self.wxs_defs[wxs_id] = (
            f"{js_string(wxs_id)}:{{f:function(module,exports,require){{(function(getDate,getRegExp){{\n{code}\n"
            f"}})($getDate,$getRegExp);}},r:{{{reqs}}}}}"
        )

    # ---- expressions -----------------------------------------------------------------------------

    def _expr(self, src: str, offset: int, source: Source, ctx: _Ctx, *, object_body: bool = False) -> str:
        scope = _Scope(ctx, self.calls)
        try:
            js = emit(parse_expression(src, object_body=object_body), scope)
        except ExprError as e:
            raise source.error(offset + e.pos, f"bad expression {{{{{_shown(src)}}}}}: {e.message}", e.hint) from None
        for call in scope.method_calls:
            line, column = source.position(offset + call.start)
            self.method_calls.setdefault(
                (source.path, line, column), MethodCall(source.path, line, column, call.text, _shown(src))
            )
        return js

    def _parts(self, raw: str, offset: int, source: Source, ctx: _Ctx) -> list[str | _Js]:
        """Split ``raw`` into static strings (undecoded) and emitted ``{{ }}`` parts; drops empty statics."""
        parts: list[str | _Js] = []
        i = 0
        while True:
            j = raw.find("{{", i)
            if j < 0:
                break
            end = find_interpolation_end(raw, j + 2)
            if end < 0:
                raise source.error(offset + j, "unclosed {{ (no matching }}, or an unterminated string inside it)")
            if j > i:
                parts.append(raw[i:j])
            parts.append(_Js(self._expr(raw[j + 2 : end], offset + j + 2, source, ctx)))
            i = end + 2
        if i < len(raw):
            parts.append(raw[i:])
        return parts

    def _value(self, el: Element, attr: Attr, ctx: _Ctx, *, string: bool = False) -> str:
        """JS for an attribute value: ``true`` if absent, a single ``{{x}}`` keeps its type, else a string."""
        if attr.value is None:
            return "true"
        parts = self._parts(attr.value, attr.value_offset, el.source, ctx)
        if len(parts) == 1 and isinstance(parts[0], _Js):
            return f"R.s({parts[0].js})" if string else parts[0].js
        return _concat(parts) if parts else '""'

    # ---- nodes -----------------------------------------------------------------------------------

    def _nodes(self, nodes: list[Node], ctx: _Ctx, out: str) -> list[str]:
        js: list[str] = []
        i = 0
        while i < len(nodes):
            n = nodes[i]
            i += 1
            if isinstance(n, Text):
                js += self._text(n, ctx, out)
                continue
            if n.tag in ("wxs", "import") or (n.tag == "template" and n.has("name")):
                continue  # hoisted: file-scoped definitions, never rendered in place
            self._check_control(n)
            if n.has("wx:elif") or n.has("wx:else"):
                which = "wx:elif" if n.has("wx:elif") else "wx:else"
                raise n.source.error(n.offset, f"{which} on <{n.tag}> without a preceding wx:if/wx:elif sibling")
            if not n.has("wx:if"):
                js += self._node(n, ctx, out, inner_if=False)
                continue
            chain = [n]
            j = i
            while j < len(nodes) and not chain[-1].has("wx:else"):
                m = nodes[j]
                if isinstance(m, Text) and _BLANK.fullmatch(m.raw):
                    j += 1
                    continue
                if isinstance(m, Element) and (m.has("wx:elif") or m.has("wx:else")):
                    self._check_control(m)
                    chain.append(m)
                    j += 1
                    i = j
                    continue
                break
            if n.has("wx:for") or n.has("wx:for-items"):
                if len(chain) > 1:
                    raise n.source.error(
                        chain[1].offset,
                        "wx:elif/wx:else cannot follow an element with both wx:for and wx:if (the wx:if is checked per item)",
                        hint="wrap the loop in <block wx:if=...>",
                    )
                js += self._node(n, ctx, out, inner_if=True)
                continue
            code = ""
            for k, m in enumerate(chain):
                if m.has("wx:else"):
                    code += "else{"
                else:
                    cond = m.attr("wx:if") or m.attr("wx:elif")
                    assert cond is not None
                    code += f"{'else ' if k else ''}if((R.line={m.line},{self._value(m, cond, ctx)})){{"
                code += "\n".join(self._node(m, ctx, out, inner_if=False)) + "}"
            js.append(code)
        return js

    def _check_control(self, el: Element) -> None:
        for a in el.attrs:
            if a.name.startswith("wx:") and a.name not in _CONTROL:
                # A strict cutoff: wx:show (a Vue habit) is not a misspelt wx:for.
                close = did_you_mean(a.name, sorted(_CONTROL), cutoff=0.75)
                guess = f"; did you mean {close}?" if close else ""
                raise el.source.error(
                    a.offset, f"unknown control attribute {a.name}{guess}", hint="known: " + ", ".join(sorted(_CONTROL))
                )
        conds = [c for c in ("wx:if", "wx:elif", "wx:else") if el.has(c)]
        if len(conds) > 1:
            raise el.source.error(el.offset, f"<{el.tag}> has both {conds[0]} and {conds[1]}")

    def _node(self, el: Element, ctx: _Ctx, out: str, *, inner_if: bool) -> list[str]:
        """One element with its wx:for (outermost) and, if ``inner_if``, its wx:if checked per item."""
        loop = el.attr("wx:for") or el.attr("wx:for-items")
        if loop is None:
            return self._single(el, ctx, out, None)
        names = []
        for attr_name, default in (("wx:for-item", "item"), ("wx:for-index", "index")):
            a = el.attr(attr_name)
            name = (a.value or "").strip() if a else default
            if a is not None and not _IDENT.fullmatch(name):
                raise el.source.error(a.value_offset, f"{attr_name} must be a plain variable name, not {a.value!r}")
            names.append(name)
        v_item, v_index, o = self._var("v"), self._var("v"), self._var("o")
        ictx = replace(ctx, vars={**ctx.vars, names[0]: v_item, names[1]: v_index})
        body = self._single(el, ictx, o, self._key(el, ictx, v_item))
        if inner_if:
            cond = el.attr("wx:if")
            assert cond is not None
            body = [f"if((R.line={el.line},{self._value(el, cond, ictx)})){{" + "\n".join(body) + "}"]
        items = self._value(el, loop, ctx)
        return [f"R.line={el.line};{out}.push.apply({out},R.each({items},function({v_item},{v_index}){{var {o}=[];\n"
                + "\n".join(body) + f"\nreturn {o};}}));"]  # fmt: skip

    def _key(self, el: Element, ctx: _Ctx, v_item: str) -> str | None:
        k = el.attr("wx:key")
        if k is None or k.value is None or not k.value.strip():
            return None
        v = k.value.strip()
        if v == "*this":
            return v_item
        if "{{" in v:
            return self._value(el, k, ctx)
        return f"R.m({v_item},{js_string(v)})"

    def _single(self, el: Element, ctx: _Ctx, out: str, key: str | None) -> list[str]:
        if el.tag == "block":
            return self._nodes(el.children, ctx, out)
        if el.tag == "template":
            return self._template_call(el, ctx, out)
        if el.tag == "include":
            return self._include(el, ctx, out)
        return self._element(el, ctx, out, key)

    def _element(self, el: Element, ctx: _Ctx, out: str, key: str | None) -> list[str]:
        self._deeper(el, ctx)
        attrs: list[str] = []
        ds: list[str] = []
        ev: dict[str, str] = {}
        for a in el.attrs:
            name = a.name
            if name.startswith("wx:"):
                continue
            event = event_of(name)
            if event is not None:
                prefix, ev_name = event
                if ev_name in ev:
                    raise el.source.error(a.offset, f"event {ev_name!r} is bound twice on <{el.tag}>")
                ev[ev_name] = f"{js_string(ev_name)}:{{h:{self._value(el, a, ctx)},c:{str(prefix == 'catch').lower()}}}"
            elif name.startswith("data-"):
                ds.append(f"{js_string(dataset_key(name[5:]))}:{self._value(el, a, ctx)}")
            else:
                attrs.append(f"{js_string(name)}:{self._value(el, a, ctx, string=name in ('class', 'style'))}")
        e = self._var("e")
        extra = (f",key:{key}" if key else "") + ("" if ctx.file.var == "$F0" else f",file:{ctx.file.var}")
        js = [
            f"R.line={el.line};var {e}={{tag:{js_string(el.tag)},line:{el.line},attrs:{{{','.join(attrs)}}},"
            f"ds:{{{','.join(ds)}}},ev:{{{','.join(ev.values())}}},kids:[]{extra}}};{out}.push({e});"
        ]
        kctx = replace(ctx, preserve=ctx.preserve or el.tag == "text", depth=ctx.depth + 1)
        return js + self._nodes(el.children, kctx, f"{e}.kids")

    def _deeper(self, el: Element, ctx: _Ctx) -> None:
        """Refuse ``el`` past :data:`MAX_NESTING` levels of elements and includes (one file stops earlier, in the parser)."""
        if ctx.depth >= MAX_NESTING:
            raise el.source.error(
                el.offset, f"<{el.tag}> nests deeper than {MAX_NESTING} levels of elements, counting included files", _DEEP_HINT
            )

    def _text(self, t: Text, ctx: _Ctx, out: str) -> list[str]:
        raw = t.raw
        lead = len(raw) - len(raw.lstrip(" \t\n\f"))
        if lead == len(raw):
            if not ctx.preserve or not raw:
                return []
            lead = 0
        parts = self._parts(raw, t.offset, ctx.file.doc.source, ctx)
        if not ctx.preserve:
            parts = [_WS_RUN.sub(" ", p) if isinstance(p, str) else p for p in parts]
            if isinstance(parts[0], str):
                parts[0] = parts[0].lstrip(" ")
            if isinstance(parts[-1], str):
                parts[-1] = parts[-1].rstrip(" ")
            parts = [p for p in parts if p != ""]
        line = ctx.file.doc.source.position(t.offset + lead)[0]
        extra = "" if ctx.file.var == "$F0" else f",file:{ctx.file.var}"
        node = f"{out}.push({{text:{_concat(parts)},line:{line}{extra}}});"
        return [node if all(isinstance(p, str) for p in parts) else f"R.line={line};{node}"]

    def _template_call(self, el: Element, ctx: _Ctx, out: str) -> list[str]:
        is_ = el.attr("is")
        assert is_ is not None  # checked when the file was loaded
        data = el.attr("data")
        data_js = "{}"
        if data is not None and data.value is not None and data.value.strip():
            v = data.value
            inner = v.strip()
            start = data.value_offset + v.index(inner[:1])
            if not (inner.startswith("{{") and find_interpolation_end(inner, 2) == len(inner) - 2):
                raise el.source.error(
                    data.value_offset,
                    "<template data> must be one {{ ... }}",
                    hint='e.g. data="{{...item, index}}" or data="{{a: 1, b}}"',
                )
            data_js = self._expr(inner[2:-2], start + 2, el.source, ctx, object_body=True)
        if is_.value is not None and "{{" not in is_.value:
            name = decode_entities(is_.value).strip()
            fn = ctx.table.get(name)
            if fn is None:
                known = ", ".join(sorted(ctx.table)) or "none"
                close = did_you_mean(name, sorted(ctx.table))
                guess = f"; did you mean {close!r}?" if close else ""
                raise el.source.error(
                    is_.value_offset,
                    f"template {name!r} not found (templates available here: {known}){guess}",
                    hint="define it with <template name=...> in this file or <import> the file defining it",
                )
        else:
            fn = f"$tpl({self._table_var(ctx.table)},{self._value(el, is_, ctx, string=True)})"
        return [f"R.line={el.line};{out}.push.apply({out},{fn}(R,{data_js}));R.file={ctx.file.var};"]

    def _table_var(self, table: Mapping[str, str]) -> str:
        items = tuple(sorted(table.items()))
        if items not in self.tables:
            self.tables[items] = self._var("$M")
        return self.tables[items]

    def _template_def(self, unit: _Unit, name: str, el: Element) -> None:
        ctx = _Ctx(unit, self._table(unit), unit.wxs, {}, False, (unit.path,))
        out = self._var("o")
        body = self._nodes(el.children, ctx, out)
        self.functions.append(
            f"function {unit.tpl_ids[name]}(R,d){{/* template {name} ({unit.path}:{el.line}) */R.file={unit.var};"
            f"var {out}=[];\n" + "\n".join(body) + f"\nreturn {out};}}"
        )

    def _include(self, el: Element, ctx: _Ctx, out: str) -> list[str]:
        a = el.attr("src")
        if a is None:
            raise el.source.error(el.offset, "<include> needs a src attribute")
        self._deeper(el, ctx)
        path = self._resolve(el.source.path, a, ".wxml", "include", el.source)
        if path in ctx.includes:
            chain = " -> ".join((*ctx.includes, path))
            raise el.source.error(a.value_offset, f"include cycle: {chain}")
        unit = self._unit(path, (el.source, a, "include"))
        table: dict[str, str] = {}
        for imp in unit.imports:  # an included file's <import>s are copied with it; its templates and wxs are not
            table.update(self.units[imp].tpl_ids)
        table.update(ctx.table)
        ictx = replace(ctx, file=unit, table=table, includes=(*ctx.includes, path), depth=ctx.depth + 1)
        return [f"R.file={unit.var};", *self._nodes(unit.doc.children, ictx, out), f"R.file={ctx.file.var};"]


_DEEP_HINT = "a card needs a few levels: flatten the markup or split it into templates"


def _shown(src: str) -> str:
    """An expression for a message: whitespace collapsed, cut at 80 characters (the excerpt shows where)."""
    shown = " ".join(src.split())
    return shown[:79] + "…" if len(shown) > 80 else shown


def _concat(parts: list[str | _Js]) -> str:
    """A JS string: static parts entity-decoded, ``{{ }}`` parts through ``R.s``."""
    if not parts:
        return '""'
    return "+".join(js_string(decode_entities(p)) if isinstance(p, str) else f"R.s({p.js})" for p in parts)


def _blank_comments(code: str) -> str:
    """``code`` with the text of ``//`` and ``/* */`` comments replaced by spaces (offsets kept, strings intact)."""
    out = list(code)
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if c in "'\"":
            i += 1
            while i < n and code[i] != c and code[i] != "\n":
                i += 2 if code[i] == "\\" else 1
            i += 1
        elif code.startswith("//", i) or code.startswith("/*", i):
            end = code.find("\n", i) if code[i + 1] == "/" else code.find("*/", i + 2)
            end = n if end < 0 else end + (0 if code[i + 1] == "/" else 2)
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
        else:
            i += 1
    return "".join(out)
