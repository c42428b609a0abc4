"""The interactive map as one self-contained HTML file, made by pyvis, and the snippet that embeds it in a post.

:func:`graphkit.mapview.map_view` decides, in pure code, what is drawn and how. :func:`network` turns that view into
a ``pyvis.network.Network`` (positions, styles, physics off) with graphkit's template (``templates/map.html``) set
through pyvis's template mechanism; :func:`write_html` writes what pyvis renders: vis-network in line, no CDN, no
external fonts or images, 0 network requests. All text from S2 or the post travels as JSON inside
``<script type="application/json">`` (``<``, ``>``, ``&`` escaped by jinja's ``tojson``) and reaches the page only
through ``textContent``; vis-network's HTML ``title`` is never used.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import networkx as nx

from .errors import OutputError
from .mapview import map_view

OPTIONS = {
    "autoResize": True,
    "layout": {"improvedLayout": False, "randomSeed": 1},
    "physics": {"enabled": False, "stabilization": {"enabled": False, "fit": False}},
    "nodes": {"font": {"face": "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"}},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
        "smooth": False,
        "selectionWidth": 1,
        "hoverWidth": 0,
    },
    "interaction": {
        "hover": True,
        "tooltipDelay": 80,
        "navigationButtons": False,
        "keyboard": False,
        "multiselect": False,
        "dragNodes": False,
        "hideEdgesOnDrag": False,
        "zoomView": False,  # the wheel scrolls the post; Ctrl/⌘ + wheel, pinch and the + / − buttons zoom
        "zoomSpeed": 0.6,
    },
}


def _vis_in_line(env) -> str:
    """vis-network's JS as pyvis's own ``template.html`` includes it in line, found among the files that template
    references and read through the template loader (as text: 470 KB of minified JS is not lexed as a
    template). Read once per process. (vis-network's CSS, 220 KB of which are images of controls the map does not
    show, is left out: the map styles what it shows.)"""
    key = tuple(getattr(env.loader, "searchpath", ()))
    if key not in _VIS_TEXT:
        from jinja2 import meta

        source = env.loader.get_source(env, "template.html")[0]
        names = [t for t in meta.find_referenced_templates(env.parse(source)) if t]
        js = [t for t in names if Path(t).name == "vis-network.min.js"]
        if not js:
            raise OutputError(
                "pyvis's template no longer includes vis-network in line; "
                "reinstall graphkit's pyvis (pip install 'pyvis>=0.3.2,<0.4')"
            )
        _VIS_TEXT[key] = env.loader.get_source(env, js[0])[0]
    return _VIS_TEXT[key]


_VIS_TEXT: dict[tuple, str] = {}


def network(view: dict, *, height: str = "640px"):
    """The map as a ``pyvis.network.Network``: every drawn paper at its computed position with the view's styling
    (physics off), the edges, :data:`OPTIONS`, and graphkit's template (``templates/map.html``: its frame, legend,
    card and search) set through pyvis's template mechanism. ``net.generate_html()`` gives the page graphkit writes;
    ``net.show("map.html", notebook=True)`` shows it in Jupyter. The rest of the view (legend, columns, card text)
    travels as the template's ``graphkit`` global; vis-network comes in line from the copy pyvis's own template
    includes (``cdn_resources="in_line"``).

    >>> G = nx.DiGraph(); G.add_node("a", title="A", year=2015, seed=True, label="A")
    >>> net = network(map_view(G, title="t"))
    >>> (net.nodes[0]["id"], net.nodes[0]["physics"], net.options["physics"]["enabled"])
    ('a', False, False)
    """
    try:
        from jinja2 import FileSystemLoader
        from pyvis.network import Network
    except ImportError as e:
        raise OutputError(f"pyvis cannot be imported ({e}); reinstall graphkit (pip install -e .)") from None

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    # pyvis's own templates, for the vis-network files its template includes
    pyvis_templates = net.template_dir
    seen = set()
    for n in view["nodes"]:
        if n["id"] in seen:
            continue
        seen.add(n["id"])
        style = {k: v for k, v in n.items() if k not in ("id", "label", "shape", "color")}
        net.add_node(
            n["id"],
            label=n["label"] or n["id"],
            shape=n.get("shape", "dot"),
            color=n.get("color"),
            physics=False,
            **style,
        )
        # pyvis names an unlabelled node by its id; the map does not
        net.get_node(n["id"])["label"] = n["label"]
    for e in view["edges"]:
        if e["from"] not in seen or e["to"] not in seen:
            raise OutputError(f"the map has an edge {e['from']} -> {e['to']} to a paper it does not draw")
        # hidden until hovered: the page styles it from its kind (a third of the bytes)
        if e["kind"] == "other":
            net.add_edge(e["from"], e["to"], kind="other", **({"link": e["link"]} if "link" in e else {}))
        else:
            net.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to")})
    # a dict, as written: set_options would strip the font stack's blanks
    net.options = json.loads(json.dumps(OPTIONS))
    net.set_template_dir(str(Path(__file__).parent / "templates"), "map.html")
    net.templateEnv.loader = FileSystemLoader([net.template_dir, pyvis_templates])
    js = _vis_in_line(net.templateEnv)
    extra = {k: v for k, v in view.items() if k not in ("nodes", "edges")}
    extra["layout"] = {k: v for k, v in view["layout"].items() if k != "seconds"}
    net.templateEnv.globals.update(graphkit=extra, vis_js=js)
    # |tojson escapes < > & ' for the page's <script type="application/json">; names stay UTF-8, in the given order
    net.templateEnv.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    net.prep_notebook()  # the same template for net.show(..., notebook=True)
    return net


def write_html(
    G: nx.DiGraph,
    path: str | Path,
    *,
    title: str,
    missing=(),
    declared=(),
    main_path=None,
    backbone=None,
    max_nodes: int | None = None,
    view: dict | None = None,
    slug: str = "map",
) -> dict:
    """Write the map (from ``view``, else from :func:`map_view` of the rest), rendered by pyvis from
    :func:`network`; returns ``{"nodes", "edges", "bytes", "layout"}``."""
    if view is None:
        view = map_view(
            G,
            missing=missing,
            declared=declared,
            main_path=main_path,
            backbone=backbone,
            max_nodes=max_nodes,
            title=title,
        )
    net = network(view)
    net.templateEnv.globals.update(page_title=title or "graphkit map", slug=slug)
    page = net.generate_html()
    from .files import atomic_write

    with atomic_write(path) as f:  # old-and-complete or new-and-complete, whatever kills the build
        f.write(page)
    return {
        "nodes": len(net.nodes),
        "edges": len(net.edges),
        "bytes": len(page.encode("utf-8")),
        "layout": view["layout"],
    }


def post_slug(source: str, front_matter: dict | None = None) -> str:
    """The name a post's map assets live under: its front-matter ``slug``, else its file name without a Jekyll
    date prefix or extension; ``map`` for stdin.

    >>> post_slug("_posts/2019-05-14-video-classification.md"), post_slug("x.md", {"slug": "My Post!"})
    ('video-classification', 'my-post')
    >>> post_slug("-")
    'map'
    """
    raw = str((front_matter or {}).get("slug") or "")
    if not raw and source != "-":
        raw = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", Path(source).stem)
    slug = re.sub(
        r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    )
    return slug.strip("-") or "map"


# The few lines the embed snippet puts in the post: the map and its post talk through postMessage, each checking
# who is speaking (the frame's window and origin). A paper clicked on the map scrolls the post to its entry (found by
# a link to its arXiv / DOI / S2 page, else by its title in the text); a link to #map:NAME focuses that paper.
POST_SCRIPT = """<script>
(function () {
  var f = document.getElementById("FRAME_ID"); if (!f) return;
  var origin = new URL(f.getAttribute("src"), location.href).origin;
  function entry(p) {
    var keys = [p.arxiv, p.doi, p.id].filter(Boolean).map(function (k) { return String(k).toLowerCase(); });
    var links = document.querySelectorAll("a[href]"), i, k;
    for (i = 0; i < links.length; i++) for (k = 0; k < keys.length; k++)
      if (links[i].href.toLowerCase().indexOf(keys[k]) >= 0) return links[i].closest("li, p, tr, h2, h3, h4, blockquote") || links[i];
    var t = String(p.title || "").toLowerCase().replace(/\\s+/g, " ").trim(), els = document.querySelectorAll("li, p, td, h2, h3, h4, blockquote");
    if (t.length < 12) return null;
    for (i = 0; i < els.length; i++) if (els[i].textContent.toLowerCase().replace(/\\s+/g, " ").indexOf(t) >= 0) return els[i];
    return null;
  }
  window.addEventListener("message", function (e) {
    var p = e.data, el;
    if (e.source !== f.contentWindow || e.origin !== origin || !p || p.type !== "graphkit:paper" || !(el = entry(p))) return;
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    el.style.outline = "3px solid #d9480f"; el.setAttribute("data-graphkit-shown", "");
    setTimeout(function () { el.style.outline = ""; el.removeAttribute("data-graphkit-shown"); }, 2500);
  });
  function show(name) {
    f.contentWindow.postMessage({ type: "graphkit:focus", name: name }, origin);
    f.scrollIntoView({ behavior: "smooth", block: "nearest" });
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest('a[href^="#map:"]') : null; if (!a) return;
    e.preventDefault(); show(decodeURIComponent(a.getAttribute("href").slice(5)));
  });
  if (location.hash.indexOf("#map:") === 0) f.addEventListener("load", function () { show(decodeURIComponent(location.hash.slice(5))); });
})();
</script>
"""


def embed_snippet(
    outdir: str | Path,
    *,
    title: str = "Citation map",
    height: int = 640,
    slug: str = "map",
    asset_dir: str | None = None,
    copied_to: str | None = None,
) -> str:
    """What to paste into a Jekyll post to embed the map (an iframe, and a static picture for feeds and e-mail),
    and where the two files go.

    >>> print(embed_snippet("site", title='My "map"', slug="video").splitlines()[0])
    Copy site/index.html and site/map.svg to assets/graphkit/video/ in your blog, then paste into the post:
    """
    base = (asset_dir or f"/assets/graphkit/{slug}").rstrip("/")
    page, svg = html.escape(base + "/index.html", quote=True), html.escape(base + "/map.svg", quote=True)
    alt = liquid_safe(title)
    where = (
        f"Copied index.html and map.svg to {copied_to}; paste into the post:"
        if copied_to
        else f"Copy {Path(outdir) / 'index.html'} and {Path(outdir) / 'map.svg'} to {base.lstrip('/')}/ in your "
        "blog, then paste into the post:"
    )
    frame = f"graphkit-map-{re.sub(r'[^a-z0-9-]', '-', slug.lower())}"
    return (
        f"{where}\n\n"
        f'<iframe id="{frame}" src="{{{{ \'{page}\' | relative_url }}}}" title="{alt}" loading="lazy"\n'
        f'        style="width: 100%; height: {int(height)}px; border: 1px solid #d8dde5; border-radius: 6px;"></iframe>\n'
        f"<noscript><a href=\"{{{{ '{page}' | relative_url }}}}\"><img src=\"{{{{ '{svg}' | relative_url }}}}\" "
        f'alt="{alt}" style="max-width: 100%;"></a></noscript>\n'
        + POST_SCRIPT.replace("FRAME_ID", frame)
        + "\nA link in the post to #map:NAME (a name on the map, an arXiv id or a DOI) shows that paper on the map;"
        " a paper clicked on the map scrolls the post to where it lists it.\n\n"
        "Where iframes are stripped (feeds, e-mail, a README), the static map:\n\n"
        f"![{liquid_safe(title).replace('[', chr(92) + '[').replace(']', chr(92) + ']')}]"
        f"({{{{ '{base}/map.svg' | relative_url }}}})\n"
    )


def liquid_safe(text: str) -> str:
    """Text for a Jekyll post: HTML-escaped, and with Liquid's ``{{ }}`` and ``{% %}`` made inert (as entities).

    >>> liquid_safe('{{ site.secret }} {% include x %} "q"')
    '&#123;&#123; site.secret &#125;&#125; &#123;&#37; include x &#37;&#125; &quot;q&quot;'
    """
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")
