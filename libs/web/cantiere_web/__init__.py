"""Cantiere's shared web layer: pages on one layout (Bootstrap Italia), components, languages, error pages."""

from cantiere_web.forms import Form
from cantiere_web.i18n import N_, gettext, text
from cantiere_web.pages import Brand, PageRoute, Pages, flash, install_pages, page_router
from cantiere_web.paging import Page, paginate

__all__ = [
    "N_",
    "Brand",
    "Form",
    "Page",
    "PageRoute",
    "Pages",
    "flash",
    "gettext",
    "install_pages",
    "page_router",
    "paginate",
    "text",
]
