from django.urls import path

from tenants.legal_views import legal_page

urlpatterns = [path("<slug:document>/", legal_page, name="legal-page")]
