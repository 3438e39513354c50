"""API: the user's personal API tokens (create, list, revoke), with a browser session only."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..models import ApiToken
from ..models.api import TokenScope
from ..services.tokens import (
    DEFAULT_LIFETIME_DAYS,
    MAX_LIFETIME_DAYS,
    token_create,
    token_revoke,
)
from . import examples as ex
from .permissions import NotBearerToken

# A token may not mint, list or revoke tokens: revoking one then leaves no offspring behind.
SESSION_ONLY = [IsAuthenticated, NotBearerToken]


class TokenSerializer(serializers.Serializer):
    """A token, without its secret."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.ChoiceField(choices=TokenScope.choices)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text="When the token was last used, to the hour."
    )
    revoked_at = serializers.DateTimeField(allow_null=True)


class NewTokenSerializer(TokenSerializer):
    """A new token with its secret, shown this once."""

    token = serializers.CharField()


class TokenInputSerializer(serializers.Serializer):
    """A name, a scope and a lifetime for a new token."""

    # The pattern states in the schema what the field accepts: some visible text, no NUL.
    name = serializers.CharField(
        max_length=100,
        validators=[RegexValidator(r"^[^\x00]*\S[^\x00]*$", "Give the token a name.")],
    )
    scope = serializers.ChoiceField(
        choices=TokenScope.choices,
        default=TokenScope.READ,
        help_text="`read`: GET only. `write`: also start attempts, answer, submit, edit.",
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        default=DEFAULT_LIFETIME_DAYS,
        help_text="Days until the token stops working.",
    )


@extend_schema_view(
    get=extend_schema(
        summary="My API tokens",
        operation_id="tokens_list",
        description="Only with a browser session; a bearer token gets 403.",
        examples=[ex.PageExample("My tokens", value=ex.TOKEN_PAGE, response_only=True)],
    )
)
class TokenListView(ListAPIView):
    """List your tokens, or create one (its secret is returned once)."""

    serializer_class = TokenSerializer
    permission_classes = SESSION_ONLY
    throttle_scope = "writes"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(
        request=TokenInputSerializer,
        responses={201: NewTokenSerializer},
        summary="Create a token",
        operation_id="token_create",
        description="Only with a browser session (and its CSRF token); a bearer token gets 403.",
        examples=[
            OpenApiExample("Name", value=ex.TOKEN_REQUEST, request_only=True),
            OpenApiExample("Writing, for a month", value=ex.WRITE_TOKEN_REQUEST, request_only=True),
            OpenApiExample(
                "Created",
                value=ex.NEW_TOKEN,
                description="`token` is shown this once: store it.",
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = token_create(
            user=request.user,
            name=data.validated_data["name"],
            scope=data.validated_data["scope"],
            lifetime_days=data.validated_data["expires_in_days"],
            actor=request.user,
        )
        body = {**TokenSerializer(token).data, "token": secret}
        return Response(NewTokenSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    """Revoke one of your tokens."""

    permission_classes = SESSION_ONLY

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke a token",
        operation_id="token_revoke",
        description="Only with a browser session; a bearer token gets 403.",
    )
    def delete(self, request, token_id: int):
        token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
        token_revoke(token=token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
