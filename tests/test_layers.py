"""Dependencies point one way: core <- directory <- search <- referrals | hsds <- website
(docs/architecture.md). import-linter's contract (pyproject.toml) checks the Python imports,
those inside functions included; the rest of this module checks what it cannot see: templates
({% url %}, {% include %}, {% extends %}, {% load %}) and names given as strings in Python
(a model or permission "app.Name", a URL name, a template path)."""

import ast
import re
from pathlib import Path

import grimp
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
# Lowest first; each may depend on the ones before it (referrals and hsds are siblings: the
# import contract keeps them apart).
LAYERS = ["core", "directory", "search", "referrals", "hsds", "website"]

# The project's template folders and the layer each belongs to (a new folder must be added).
TEMPLATE_LAYERS = {
    "includes": "directory",  # partials showing the directory's data (cards, hours, pictograms)
    "directory": "directory",
    "account": "directory",  # the lockout page (directory.views.locked_out)
    "wagtailadmin": "directory",  # the admin's sign-in (directory.accounts)
    "search": "search",
    "referrals": "referrals",
    "website": "website",
    "": "website",  # base.html and the error pages: the site's frame
}
# The site's frame: every public page extends it by name, and the website provides it (it is
# the one template a lower layer names, as a slot the project fills).
FRAME = "base.html"

TAG = re.compile(r"{%\s*(url|include|extends|load)\s+(.+?)\s*%}")
QUOTED = re.compile(r"""^(['"])(.+?)\1""")


def rank(package: str) -> int:
    return LAYERS.index(package)


def test_import_contract_is_kept():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def package_edges() -> set[tuple[str, str]]:
    graph = grimp.build_graph(*LAYERS, cache_dir=None)
    return {
        (importer, imported)
        for importer in LAYERS
        for imported in LAYERS
        if importer != imported
        and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
    }


def test_imports_between_packages_point_down():
    edges = package_edges()
    upward = sorted((a, b) for a, b in edges if rank(a) < rank(b))
    assert upward == [], f"imports against the layers: {upward}"


def test_the_graph_sees_imports_inside_functions():
    # directory.templatetags.brug imports directory.field_freshness inside field_checked().
    graph = grimp.build_graph("directory", cache_dir=None)
    assert graph.direct_import_exists(
        importer="directory.templatetags.brug", imported="directory.field_freshness"
    )


def url_owners() -> dict[str, str]:
    """URL name (with its namespaces) -> the project package whose view answers it."""
    owners = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                package = pattern.callback.__module__.split(".")[0]
                if package in LAYERS:
                    owners.setdefault(prefix + pattern.name, package)

    walk(get_resolver().url_patterns, "")
    return owners


def template_layer(path: str) -> str:
    folder = path.split("/")[0] if "/" in path else ""
    assert folder in TEMPLATE_LAYERS, f"templates/{folder}/ has no layer in TEMPLATE_LAYERS"
    return TEMPLATE_LAYERS[folder]


def template_references(text: str, urls: dict[str, str], libraries: dict[str, str]):
    """(what, the package it belongs to) for each reference of a template to project code."""
    for tag, argument in TAG.findall(text):
        if tag == "load":
            for name in argument.split():
                module = libraries.get(name, "")
                if module.split(".")[0] in LAYERS:
                    yield f"{{% load {name} %}}", module.split(".")[0]
            continue
        quoted = QUOTED.match(argument)
        if quoted is None:
            continue  # a variable: nothing to check
        name = quoted.group(2)
        if tag == "url":
            if name in urls:
                yield f"{{% url '{name}' %}}", urls[name]
        elif (ROOT / "templates" / name).exists() and name != FRAME:
            yield f'{{% {tag} "{name}" %}}', template_layer(name)


def template_violations() -> list[str]:
    urls = url_owners()
    libraries = engines["django"].engine.libraries
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    ):
        relative = path.relative_to(ROOT / "templates").as_posix()
        layer = template_layer(relative)
        for what, package in template_references(path.read_text("utf-8"), urls, libraries):
            if rank(package) > rank(layer):
                found.append(f"templates/{relative} ({layer}): {what} is {package}'s")
    return found


def test_templates_point_down():
    assert template_violations() == []


URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
SUFFIXES = {"html", "txt", "js", "css", "json", "xml", "csv", "xlsx", "pdf", "svg", "png"}


def string_references(source: str, urls: dict[str, str]):
    """(the string, the package it names) for names of other packages given as strings:
    "app.Model" or "app.permission" or a dotted path, "app:url-name", "app/template.html", and
    URL names given to reverse() and its kind."""
    tree = ast.parse(source)
    url_arguments = {
        id(call.args[0])
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and call.args
        and getattr(call.func, "id", getattr(call.func, "attr", None)) in URL_CALLS
    }
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if id(node) in url_arguments and text in urls:
            yield text, urls[text]
            continue
        match = re.fullmatch(r"([a-z_]+)([.:/])([\w./-]+)", text)
        if match is None or match.group(1) not in LAYERS:
            continue
        package, separator, rest = match.groups()
        if separator == "." and rest.rsplit(".", 1)[-1] in SUFFIXES:
            continue  # a file name such as "search.html"
        yield text, package


def python_violations() -> list[str]:
    urls = url_owners()
    found = []
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if package == "website" or "/migrations/" in relative:
                continue  # the top layer names anything; migrations record history
            for text, named in string_references(path.read_text("utf-8"), urls):
                if rank(named) > rank(package):
                    found.append(f"{relative}: {text!r} names {named}")
    return found


def test_names_given_as_strings_point_down():
    assert python_violations() == []


def test_the_string_scan_sees_each_kind_of_name():
    urls = {"search": "search"}
    source = (
        'a = "website.HomePage"\nb = "referrals:new"\nc = "referrals/new.html"\n'
        'd = reverse("search")\ne = "search.html"\nf = "search"\n'
    )
    assert list(string_references(source, urls)) == [
        ("website.HomePage", "website"),
        ("referrals:new", "referrals"),
        ("referrals/new.html", "referrals"),
        ("search", "search"),
    ]


def test_the_organisation_list_goes_under_the_home_page_only():
    # The directory takes its parent page type from the settings instead of naming it.
    from directory.models import OrganisationIndexPage
    from website.models import HomePage

    assert OrganisationIndexPage.allowed_parent_page_models() == [HomePage]
