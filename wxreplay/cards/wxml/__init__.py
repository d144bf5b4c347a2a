"""The WXML compiler for cards: ``compile_template(files, path) -> CompiledTemplate``.

Contract (the card runtime relies on it exactly)
------------------------------------------------
``(0, eval)(compiled.js)`` gives ``{ file, render(data, R) }``; ``render`` returns ``VNode[]``.
``R`` is the object ``WXML_RUNTIME_JS`` evaluates to (one per JS context). Generated code uses only:

- ``R.m(obj, key)``: forgiving member read (``null``/``undefined`` object -> ``undefined``);
- ``R.s(v)``: text of an interpolation (``null``/``undefined`` -> ``''``, else ``String(v)``);
- ``R.each(list, fn(item, index))``: wx:for over arrays, objects (index = key), numbers (0..n-1),
  strings (characters); anything else renders nothing; returns the flattened VNodes;
- ``R.wxs(W, id)``: exports of a wxs module (``W`` is the compiled object's module table; instances
  are cached per ``R`` by id, CommonJS-style, so each module runs once per context);
- ``R.c(obj, key, args, text)`` / ``R.f(fn, args, text)``: a method / function call, emitted only
  when the template is compiled with ``calls="javascript"``; throws a ``TypeError`` naming ``text``
  when there is nothing to call;
- ``R.line`` / ``R.file``: set before each node and condition is evaluated, for error reports.

Method calls (``{{item.date.slice(5)}}``) are not among the documented data-binding operators: by
default (``calls="undefined"``) each renders as ``undefined``, as the client shows nothing there, and
``CompiledTemplate.method_calls`` lists where they are, for the warning findings of a render.

Templates are resolved inside the generated code (``R.tpl`` is not used); a dynamic
``<template is="{{x}}">`` naming an unknown template renders nothing, like WeChat.

VNodes (plain JSON):

- element ``{tag, line, attrs, ds, ev, kids, key?, file?}``: ``attrs`` holds every attribute except
  ``data-*``, ``bind*``/``catch*`` and ``wx:*`` (static -> string, no value -> ``true``, one ``{{x}}`` ->
  its value, mixed -> string; ``class``/``style`` always strings); ``ds`` the dataset
  (``data-drink-id`` -> ``drinkId``, values keep their types); ``ev[name] = {h, c}`` for
  ``bind``/``catch`` with or without ``:`` (``c`` true for catch); ``key`` from ``wx:key`` on the
  looped element (``*this`` -> the item, ``name`` -> ``item[name]``; ignored on ``<block>``);
- text ``{text, line, file?}``;
- ``file`` is present only on nodes that come from another file (an include or an imported template).

Whitespace: inside ``<text>`` (at any depth) text is kept exactly as written, entities decoded.
Elsewhere a whitespace-only text node is dropped, runs of ASCII whitespace (space, tab, newline,
form feed) collapse to one space and each text node is trimmed at both ends; ``&nbsp;``, U+3000 and
all CJK text pass through untouched. ``line`` of a text node is the line of its first non-blank
character. Entities (``&nbsp; &lt; &gt; &amp; &quot; &apos; &ensp; &emsp; &#NN; &#xHH;``) are decoded
in static text and static attribute values, never inside ``{{ }}``.
"""

from wxreplay.cards.wxml.compiler import CompiledTemplate, MethodCall, compile_template
from wxreplay.cards.wxml.parser import Document, parse_wxml
from wxreplay.cards.wxml.rules import check_card_rules
from wxreplay.cards.wxml.runtime_js import WXML_RUNTIME_JS
from wxreplay.diagnostic import Diagnostic

__all__ = [
    "WXML_RUNTIME_JS",
    "CompiledTemplate",
    "Diagnostic",
    "Document",
    "MethodCall",
    "check_card_rules",
    "compile_template",
    "parse_wxml",
]
