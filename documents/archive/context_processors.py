"""What every page's base template needs: the site's identity and the navigation columns."""

from django.conf import settings

from ..models import Column
from ..common.limits import MAX_QUERY_CHARS


def site(request):
    """The site's identity and navigation, for the base template of every page."""
    return {
        "site": {
            "name": settings.SITE_NAME,
            "short_name": settings.SITE_SHORT_NAME,
            "copyright": settings.SITE_COPYRIGHT,
            "owner": settings.SITE_OWNER,
            "icp": settings.SITE_ICP,
            # The search boxes take no more than the search reads (longer queries are cut).
            "search_max_chars": MAX_QUERY_CHARS,
        },
        # Evaluated lazily, once per request, only by templates that show navigation.
        "nav_columns": Column.objects.filter(in_navigation=True),
    }
