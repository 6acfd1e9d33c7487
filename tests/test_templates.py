"""Cachet incident templates (FACE-14): what core/templates.py renders, what it refuses, and that a template
never raises anything but TemplateRefused. Pure: no database, no HTTP."""
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argus_lite.core import templates
from argus_lite.core.outcomes import TemplateRefused
from argus_lite.core.templates import ITERATION_LIMIT, OUTPUT_LIMIT, check, render

# cachethq/core tests/Feature/Api/IncidentTest.php "can create an incident with a template" and its factory
CACHET_FIXTURE = "Hey,\n\nA new incident has been reported:\n\nName: {{ incident.name }}\n{{ incident.message }}"

VARIABLES = {
    "text": "hello world",
    "hash": {"a": 1, "b": 2},
    "items": ["x", "y", "z"],
    "when": datetime.datetime(2024, 10, 27, 8, 31, 59),
    "nothing": None,
    "lines": "a\nb\r\nc",
}


def twig(text, variables=VARIABLES):
    return render("twig", text, variables)


def test_cachet_fixture_renders_as_cachet_renders_it():
    """FACE-14: CreateIncident hands the template `incident` (message null without one) over template_vars;
    Twig prints null as nothing and keeps the text's last newline."""
    variables = templates.cachet_variables({}, {"name": "New Incident Occurred", "status": 2, "message": None})
    assert render("twig", CACHET_FIXTURE, variables) == \
        "Hey,\n\nA new incident has been reported:\n\nName: New Incident Occurred\n"


def test_template_vars_are_read_and_incident_wins_over_theirs():
    variables = templates.cachet_variables({"region": "eu", "incident": "theirs"}, {"name": "Outage"})
    assert twig("{{ region }}: {{ incident.name }}", variables) == "eu: Outage"


def test_a_block_tag_drops_its_newline_as_twig_does():
    assert twig("{% if true %}\nyes\n{% endif %}\nend\n") == "yes\nend\n"


@pytest.mark.parametrize("text, expected", [
    ("{{ hash.a }}{{ hash['b'] }}{{ items.0 }}{{ items[2] }}", "12xz"),
    ("{% if hash.a > 1 %}big{% elif hash.a == 1 %}one{% else %}none{% endif %}", "one"),
    ("{% for item in items %}{{ loop.index }}{{ item }}{% if not loop.last %},{% endif %}{% endfor %}", "1x,2y,3z"),
    ("{% for value in hash %}{{ value }}{% endfor %}", "12"),             # Twig: a hash gives its values
    ("{% for key, value in hash %}{{ key }}={{ value }};{% endfor %}", "a=1;b=2;"),
    ("{% for i, item in items %}{{ i }}{{ item }}{% endfor %}", "0x1y2z"),
    ("{% for c in text %}{{ c }}{% else %}not iterable{% endfor %}", "not iterable"),
    ("{% set who = 'ops' %}{{ who ~ '/' ~ text }}", "ops/hello world"),
    ("{% for i in range(1, 3) %}{{ i }}{{ loop.cycle('a', 'b') }}{% endfor %}", "1a2b3a"),  # range includes 3
    ("{{ range(3, 1)|join }}", "321"),
    ("{{ nothing }}{{ missing }}{{ false }}|{{ true }}{{ 2.0 }}{{ items }}", "|12Array"),
    ("{% if nothing is null and missing is not defined and '' is empty and 0 is not empty %}ok{% endif %}", "ok"),
    ("{% if nothing == null %}null{% endif %}", "null"),
    ("{% with %}{% set q = 1 %}{{ q }}{% endwith %}", "1"),
    ("{% filter upper %}quiet{% endfilter %}", "QUIET"),
    ("{% raw %}{{ incident.name }}{% endraw %}", "{{ incident.name }}"),
    ("a  {{- text|length -}}  b {# note #}{{ items|length }}", "a11b 3"),
    ("{% for item in items %}{{ loop.length }}{% endfor %}", "333"),
    ("{% if hash is mapping and items is iterable and text is string and 4 is even %}ok{% endif %}", "ok"),
])
def test_twig_subset(text, expected):
    assert twig(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("{{ text|upper }}", "HELLO WORLD"),
    ("{{ 'LOUD'|lower }}", "loud"),
    ("{{ text|title }}", "Hello World"),
    ("{{ 'hELLO'|capitalize }}", "Hello"),
    ("{{ '  a  '|trim }}|{{ '--a--'|trim('-') }}|{{ '  a  '|trim(null, 'left') }}|", "a|a|a  |"),
    ("{{ missing|default('none') }}{{ ''|default('empty') }}{{ 0|default('zero') }}", "noneempty0"),
    ("{{ items|join }}|{{ items|join(', ') }}|{{ items|join(', ', ' and ') }}", "xyz|x, y, z|x, y and z"),
    ("{{ items|length }}{{ hash|length }}{{ text|length }}{{ nothing|length }}", "32110"),
    ("{{ items|first }}{{ items|last }}{{ hash|first }}{{ text|first }}{{ []|first }}", "xz1h"),
    ("{{ text|replace({'hello': 'goodbye', 'o': '0'}) }}", "goodbye w0rld"),
    ("{{ text|replace('world', 'there') }}", "hello there"),
    ("{{ '<b>\"Tom\" & \\'Jerry\\'</b>'|escape }}", "&lt;b&gt;&quot;Tom&quot; &amp; &#039;Jerry&#039;&lt;/b&gt;"),
    ("{{ '<i>x</i>'|e }}", "&lt;i&gt;x&lt;/i&gt;"),
    ("{{ -3|abs }}", "3"),
    ("{{ 2.5|round }} {{ -2.5|round }} {{ 3.14159|round(2) }} {{ 3.2|round(0, 'ceil') }} {{ 1234|round(-2) }}",
     "3 -3 3.14 4 1200"),
    ("{{ '<p>Down</p> <br/>now'|striptags }}", "Down now"),
    ("{{ lines|nl2br }}", "a<br />\nb<br />\r\nc"),
    ("{{ '<b>'|raw }}", "<b>"),
    ("{{ hash|keys|join(',') }}{{ items|keys|join(',') }}", "a,b0,1,2"),
    ("{{ 'a,b,c'|split(',')|join('|') }}|{{ 'a,b,c'|split(',', 2)|last }}|{{ 'a,b,c'|split(',', -1)|join }}",
     "a|b|c|b,c|ab"),
    ("{{ 'abcde'|split('', 2)|join('|') }}", "ab|cd|e"),
    ("{{ when|date('Y-m-d H:i:s') }}|{{ when|date }}|{{ when|date('D, j M y G\\\\h') }}",
     "2024-10-27 08:31:59|October 27, 2024 08:31|Sun, 27 Oct 24 8h"),
    ("{{ '2024-10-27 08:31:59'|date('d/m/Y') }}{{ 0|date('|Y') }}", "27/10/2024|1970"),
    ("{{ 1234567.891|number_format }}|{{ 1234567.891|number_format(2) }}|{{ 1234.5|number_format(1, ',', '.') }}",
     "1,234,568|1,234,567.89|1.234,5"),
    ("{{ -0.5|number_format }}", "-1"),
    ("{{ (10 ** 30)|number_format(0, '', '') }}|{{ (10 ** 30 + 0.5)|round > 10 ** 29 }}",
     "1000000000000000000000000000000|1"),
    ("{{ 'a b&c/d'|url_encode }}|{{ {'q': 'a b', 'n': 1}|url_encode }}", "a%20b%26c%2Fd|q=a%20b&n=1"),
    ("{{ items|merge(['w'])|join }}|{{ hash|merge({'b': 3, 'c': 4})|join }}", "xyzw|134"),
    ("{{ text|reverse }}|{{ items|reverse|join }}", "dlrow olleh|zyx"),
])
def test_filters(text, expected):
    assert twig(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("{{ incident.name", "line 1: unexpected end of template"),
    ("{% if x %}", "line 1: Unexpected end of template"),
    ("{% endfor %}", "line 1: Encountered unknown tag 'endfor'."),
    ("{% macro shout(x) %}{{ x }}{% endmacro %}", "line 1: the macro tag is not part of the template language"),
    ("{% include 'other' %}", "line 1: the include tag is not part of the template language"),
    ("{% extends 'base' %}", "line 1: the extends tag is not part of the template language"),
    ("{% block body %}{% endblock %}", "line 1: the block tag is not part of the template language"),
    ("{{ text|center(10) }}", "line 1: No filter named 'center'."),
])
def test_a_template_that_does_not_compile_is_refused_when_checked(text, reason):
    with pytest.raises(TemplateRefused) as refused:
        check("twig", text)
    assert refused.value.reason.startswith(reason)


def test_blade_and_unknown_engines_are_refused():
    with pytest.raises(TemplateRefused, match="Blade"):
        check("blade", "{{ $incident->name }}")
    with pytest.raises(TemplateRefused, match="Blade"):
        render("blade", "Hello", {})
    with pytest.raises(TemplateRefused, match="unknown template engine"):
        check("mustache", "{{ a }}")


def test_check_passes_a_template_that_compiles():
    assert check("twig", CACHET_FIXTURE) is None


@pytest.mark.parametrize("text, reason", [
    ("{{ ''.__class__ }}", "access to '__class__' is not allowed"),
    ("{{ text.__class__.__mro__ }}", "access to '__class__' is not allowed"),
    ("{{ missing.attr }}", "'missing' is undefined"),
    ("{{ hash.nope.deeper }}", "has no attribute 'nope'"),
    ("{{ text.upper() }}", "calls are not part of the template language"),
    ("{{ lipsum() }}", "calls are not part of the template language"),
    ("{{ cycler }}{{ namespace() }}", "calls are not part of the template language"),
    ("{{ '%s and %s' % (1, 2) }}", "% formats no strings"),
    ("{% set hash.a = 2 %}", "non-namespace object"),
    ("{{ items == items }}", "arrays are not compared"),
    ("{{ 1 / 0 }}", "division by zero"),
    ("{{ 'x'|date('Y-m-d') }}", "'x' is not a date"),
    ("{{ when|date('U') }}", "the date format letter 'U' is not supported"),
    ("{{ 'abc'|number_format }}", "'abc' is not a number"),
    ("{{ text|escape('js') }}", "escape supports the html strategy only"),
    ("{% for a, b, c in hash %}{% endfor %}", "not enough values to unpack"),
])
def test_render_errors_are_refusals(text, reason):
    with pytest.raises(TemplateRefused) as refused:
        twig(text)
    assert reason in refused.value.reason


@pytest.mark.parametrize("text", [
    "{% for i in range(1, 100000) %}{% endfor %}",
    "{% for i in range(1, 200) %}{% for j in range(1, 200) %}{% endfor %}{% endfor %}",
    "{% for i in range(1, 10000) %}{% for j in [1, 2] %}{% endfor %}{% endfor %}",  # a literal list counts too
])
def test_loops_are_bounded(text):
    with pytest.raises(TemplateRefused, match=f"loops run more than {ITERATION_LIMIT} times"):
        twig(text)


def test_loops_within_the_bound_run():
    assert len(twig("{% for i in range(1, 5000) %}x{% endfor %}")) == 5000


@pytest.mark.parametrize("text", [
    "{{ 'a' * 1000000 }}",
    "{{ ['a'] * 1000000 }}",
    "{% set s = 'a' * 60000 %}{{ s ~ s }}",
    "{% set s = 'a' * 60000 %}{{ s + s }}",
    "{% set s = 'ab' * 300 %}{{ s|replace({'a': s}) }}",
    "{% set s = 'a' * 60000 %}{{ [s, s]|join }}",
    "{{ range(1, 9000)|join('x' * 20) }}",
    "{% set s = 'a' * 50000 %}{% set s = s ~ s %}{% set s = s ~ s %}{{ s }}",
    "{% for i in range(1, 3000) %}{{ 'x' * 50 }}{% endfor %}",
])
def test_output_and_every_value_made_are_bounded(text):
    with pytest.raises(TemplateRefused, match=str(OUTPUT_LIMIT)):
        twig(text)


def test_integers_are_bounded():
    with pytest.raises(TemplateRefused, match="bits"):
        twig("{{ 2 ** 100000 }}")
    with pytest.raises(TemplateRefused, match="bits"):
        twig("{% set n = 10 ** 1000 %}{{ n * n * n * n * n }}")


def test_a_render_stops_after_its_time():
    """Each `in` scans 100,000 words; 9,000 of them take far longer than RENDER_SECONDS."""
    words = {"words": [str(n) for n in range(100_000)]}
    with pytest.raises(TemplateRefused, match="takes longer than 1 s to render"):
        twig("{% for i in range(1, 9000) %}{% if 'none' in words %}!{% endif %}{% endfor %}", words)


def test_replace_takes_a_bounded_number_of_pairs():
    pairs = {"pairs": {str(n): "x" for n in range(101)}}
    with pytest.raises(TemplateRefused, match="at most 100 pairs"):
        twig("{{ 'abc'|replace(pairs) }}", pairs)


def test_shared_lists_do_not_blow_up_when_printed_or_joined():
    doubling = "{% set a = [1] %}" + "{% set a = [a, a] %}" * 60
    assert twig(doubling + "{{ a }}|{{ a|length }}|{{ a|join('') }}") == "Array|2|ArrayArray"


def test_too_deep_a_nesting_is_refused():
    with pytest.raises(TemplateRefused):
        check("twig", "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")


TEMPLATE_PIECES = st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", " if ", " for ", " in ", " endif ", " endfor ", " set ", "=", " x ",
    "incident", ".", "name", "[", "]", "(", ")", "|", "upper", "join", "date", "replace", "split", "default",
    "'", '"', "~", "*", "**", "+", "%", "range", "1", "99999", "-", ",", "__class__", "loop", "text", "items",
    "hash", "{", "}", ":", "\n", "else", "elif", "is", "empty", "null", "number_format", "round", "e", "raw",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(TEMPLATE_PIECES, max_size=30).map("".join) | st.text(max_size=80))
def test_random_templates_render_or_are_refused(text):
    variables = {**VARIABLES, "incident": {"name": "Outage", "message": None}}
    try:
        result = render("twig", text, variables)
    except TemplateRefused as refused:
        assert isinstance(refused.reason, str) and refused.reason
    else:
        assert isinstance(result, str) and len(result) <= OUTPUT_LIMIT
