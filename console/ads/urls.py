"""The console's Ads section: the site's campaigns, and their report."""

from django.urls import path

from console.ads import campaigns, reports

urlpatterns = [
    path("", campaigns.campaigns, name="ads"),
    path("new/", campaigns.new_campaign, name="ads-new"),
    path("<int:campaign_id>/", campaigns.edit_campaign, name="ads-edit"),
    path("<int:campaign_id>/pause/", campaigns.pause, name="ads-pause"),
    path("report/", reports.report_page, name="ads-report"),
    path("report.csv", reports.report_csv, name="ads-report-csv"),
    path("<int:campaign_id>/report/", reports.campaign_report, name="ads-campaign-report"),
    path("<int:campaign_id>/report.csv", reports.campaign_csv, name="ads-campaign-csv"),
]
