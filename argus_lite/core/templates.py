"""Cachet incident templates (FACE-14): check a template when it is saved, render an incident's message from
it. Plain text in, text out or TemplateRefused; no HTTP. What the engine reads and how it differs from Twig:
docs/templates.md.

Cachet renders Twig (Blade optionally, which we cannot run: refused). We render with Jinja2's
SandboxedEnvironment, which reads the Twig subset Cachet's templates use, narrowed further below: no macros,
imports, includes or blocks, no calls but range(), only the filters and tests Twig has. Autoescaping is
off: the template makes an incident message, Markdown text that each face and page escapes where it shows
it. (Twig's own default would HTML-escape printed values, so Cachet stores "A &amp; B" for a name "A & B";
we store "A & B" and escape it once, on the way out.)

A template is the client's program, so its work is bounded: the rendered message and every string or list
it makes on the way (by ~, +, *, a filter, range()) hold at most OUTPUT_LIMIT (100,000) characters or items;
all its loops together run at most ITERATION_LIMIT (10,000) times; an integer it makes by * or ** has at
most twig.INTEGER_BITS_LIMIT (4,096) bits; arrays are not compared (lists that hold one another twice make
a deep comparison exponential). Each bound is checked before the work it bounds where the work itself
would be the harm. Work that stays within them can still add up (a test of 'x' in a long list in every run
of a loop), so a render also stops after RENDER_SECONDS (1 s), checked at every filter, operator, lookup,
comparison, loop iteration and piece of output."""
import time
from collections.abc import Mapping

from jinja2 import TemplateSyntaxError, Undefined, nodes, pass_context
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

from argus_lite.core import twig
from argus_lite.core.outcomes import TemplateRefused
from argus_lite.core.twig import OUTPUT_LIMIT, as_text, bounded

ITERATION_LIMIT = 10_000
RENDER_SECONDS = 1.0
REASON_LIMIT = 200

TWIG = "twig"
BLADE = "blade"


def check(engine, text):
    """Refuse a template that would not compile (FACE-14: refused when saved)."""
    compiled(engine, text)


def render(engine, text, variables):
    """The message the template makes of variables (a dict: Cachet's template_vars with `incident` on top,
    see cachet_variables), or TemplateRefused; nothing else escapes."""
    template = compiled(engine, text)
    environment = template.environment
    environment.start_clock()
    try:
        return joined_output(environment, template.generate(variables))
    except TemplateRefused:
        raise
    except Exception as error:  # the template is the client's code: whatever fails in it is a refusal
        raise TemplateRefused(reason_of(error)) from error


def cachet_variables(template_vars, incident):
    """Cachet's CreateIncident: the request's template_vars, then `incident` over any of theirs."""
    return {**(template_vars or {}), "incident": incident}


def compiled(engine, text):
    if engine == BLADE:
        raise TemplateRefused("Blade templates are not supported; use the twig engine")
    if engine != TWIG:
        raise TemplateRefused(f"unknown template engine {str(engine)[:40]!r}")
    environment = TwigEnvironment()
    try:
        tree = TwigSubset().visit(environment.parse(text))
        tree.set_environment(environment)
        return environment.from_string(tree)
    except TemplateRefused:
        raise
    except TemplateSyntaxError as error:
        raise TemplateRefused(f"line {error.lineno}: {error.message}"[:REASON_LIMIT]) from error
    except Exception as error:  # too deep a nesting (RecursionError), text that is not text...
        raise TemplateRefused(reason_of(error)) from error


def joined_output(environment, pieces):
    out, size = [], 0
    for piece in pieces:
        environment.require_time()
        size += len(piece)
        if size > OUTPUT_LIMIT:
            raise TemplateRefused(f"the rendered message is longer than {OUTPUT_LIMIT} characters")
        out.append(piece)
    return "".join(out)


def reason_of(error):
    if isinstance(error, RecursionError):
        return "the template nests too deeply"
    message = str(error) or type(error).__name__
    return message[:REASON_LIMIT]


class TwigEnvironment(SandboxedEnvironment):
    """One per template: it carries the render's loop budget and clock."""

    intercepted_binops = frozenset(["+", "*", "**", "%"])

    def __init__(self):
        # Twig drops the newline after a block tag and keeps the template's last newline.
        super().__init__(autoescape=False, trim_blocks=True, keep_trailing_newline=True, finalize=as_text)
        timed_filters = {**twig.FILTERS, "_concat": twig.concat, "_comparable": twig.comparable}
        self.filters = {name: self.timed(function) for name, function in timed_filters.items()}
        self.filters["_loop"] = loop_items
        self.tests = {name: test for name, test in self.tests.items() if name in twig.SAFE_TESTS}
        self.tests.update(twig.TESTS)
        self.globals = {"range": twig.twig_range, "null": None}
        self.iterations_left = ITERATION_LIMIT
        self.deadline = None

    def start_clock(self):
        self.deadline = time.monotonic() + RENDER_SECONDS

    def require_time(self):
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TemplateRefused(f"the template takes longer than {RENDER_SECONDS:g} s to render")

    def timed(self, function):
        def timed_function(*args, **kwargs):
            self.require_time()
            return function(*args, **kwargs)
        return timed_function

    def call_binop(self, context, operator, left, right):
        self.require_time()
        if operator == "%" and isinstance(left, str):
            raise TemplateRefused("% formats no strings; use ~ to join text")
        if operator == "*":
            twig.require_small_product(left, right)
        if operator == "**":
            twig.require_small_power(left, right)
        return bounded(self.binop_table[operator](left, right))

    def getattr(self, obj, attribute):
        return self.getitem(obj, attribute)

    def getitem(self, obj, key):
        """Twig reads a.b and a['b'] alike: a key of a mapping, an index of a list; nothing of Python's."""
        self.require_time()
        if isinstance(obj, Mapping):
            return obj[key] if key in obj else self.undefined(obj=obj, name=key)
        if isinstance(key, str) and key.startswith("_"):
            raise TemplateRefused(f"access to {key!r} is not allowed")
        if isinstance(obj, Undefined):
            return getattr(obj, str(key))  # raises: an attribute of something undefined
        if isinstance(obj, (list, tuple, str)) and isinstance(key, (int, slice)):
            try:
                return obj[key]
            except IndexError:
                return self.undefined(obj=obj, name=key)
        if isinstance(obj, LoopContext) and isinstance(key, str):
            return getattr(obj, key, self.undefined(obj=obj, name=key))
        return self.undefined(obj=obj, name=key)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if __obj is twig.twig_range or isinstance(getattr(__obj, "__self__", None), LoopContext):
            return __context.call(__obj, *args, **kwargs)
        raise TemplateRefused("calls are not part of the template language, except range() and loop.cycle()")


@pass_context  # a context filter is never folded at compile time, so every run of a loop is counted
def loop_items(context, value, as_pairs):
    """Twig's `for`: a mapping gives its values (or key, value), a list its items (or index, item), anything
    else nothing; each item costs one iteration of the render's budget."""
    if isinstance(value, Mapping):
        items = list(value.items()) if as_pairs else list(value.values())
    elif isinstance(value, (list, tuple, range)):
        items = list(enumerate(value)) if as_pairs else list(value)
    else:
        items = []
    environment = context.environment
    environment.iterations_left -= len(items)
    if environment.iterations_left < 0:
        raise TemplateRefused(f"the template's loops run more than {ITERATION_LIMIT} times")
    return timed_items(environment, items)


def timed_items(environment, items):
    for item in items:
        environment.require_time()
        yield item


REFUSED_TAGS = {nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Import: "import",
                nodes.FromImport: "import", nodes.Include: "include", nodes.Extends: "extends",
                nodes.Block: "block"}


class TwigSubset(NodeTransformer):
    """Narrows a parsed template to the subset: refuses the tags above, bounds ~, counts loops and keeps
    containers out of comparisons."""

    def generic_visit(self, node, *args, **kwargs):
        tag = REFUSED_TAGS.get(type(node))
        if tag:
            raise TemplateRefused(f"line {node.lineno}: the {tag} tag is not part of the template language")
        return super().generic_visit(node, *args, **kwargs)

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        return internal_filter("_concat", nodes.List(node.nodes, lineno=node.lineno), [])

    def visit_For(self, node):
        node = self.generic_visit(node)
        as_pairs = isinstance(node.target, nodes.Tuple)
        node.iter = internal_filter("_loop", node.iter, [nodes.Const(as_pairs, lineno=node.lineno)])
        return node

    def visit_Compare(self, node):
        node = self.generic_visit(node)
        node.expr = internal_filter("_comparable", node.expr, [])
        for operand in node.ops:
            if operand.op not in ("in", "notin"):
                operand.expr = internal_filter("_comparable", operand.expr, [])
        return node


def internal_filter(name, node, args):
    return nodes.Filter(node, name, args, [], None, None, lineno=node.lineno)
