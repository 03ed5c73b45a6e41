import uuid

from twincity.audit import context


class RequestIdMiddleware:
    """Gives every request an id (kept in the audit log and returned as ``X-Request-ID``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        token = context._request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            context._request_id.reset(token)
        response["X-Request-ID"] = str(request.id)
        return response


class ChangeContextMiddleware:
    """Makes the signed-in user the author of the changes made while handling the request.

    The user is resolved lazily, so API requests authenticated by token (which DRF resolves inside
    the view) are attributed too: the API views call ``context.set_user`` themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context._user.set(request.user)
        try:
            return self.get_response(request)
        finally:
            context._user.reset(token)
