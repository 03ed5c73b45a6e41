"""What leaves the server about a signed-in person stays out of shared and browser caches."""

from django.utils.cache import patch_cache_control


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every page shown to a signed-in person and on every API answer.

    A back-office page holds the partnership's data: a proxy must not keep it, and the browser must not
    show it again from its cache after sign-out (the back button on a shared office computer). The API
    is covered by path, because DRF reads the token inside the view, after this middleware.

    Left as they are, by decision: static files (WhiteNoise answers them before this middleware, with
    long-lived caching of hashed names), the public sign-in page (Django marks it ``no-cache`` itself),
    the health check, and anonymous answers in general (they carry nobody's data). Calendar feeds open
    by a secret address, without a sign-in: calendar clients poll them and they keep their own headers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path_info.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
