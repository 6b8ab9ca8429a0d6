"""Forms of the viewer-facing pages."""

from django import forms

from streaming.models import Comment


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": Comment.MAX_LENGTH}),
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which app or device uses it, so you know which one to revoke.",
        widget=forms.TextInput(attrs={"placeholder": "Living-room TV", "autocomplete": "off"}),
    )
