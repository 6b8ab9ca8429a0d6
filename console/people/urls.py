"""The console's people sections: members, invitations, viewer plans and moderation."""

from django.urls import path

from console.people import invitations, members, moderation, plans

urlpatterns = [
    path("members/", members.members, name="members"),
    path("members/<int:member_id>/", members.member, name="members-member"),
    path("members/<int:member_id>/remove/", members.remove_member, name="members-remove"),
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/<int:invitation_id>/expire/", invitations.expire, name="invitations-expire"),
    path("plans/", plans.plans, name="plans"),
    path("plans/new/", plans.new_plan, name="plans-new"),
    path("plans/<int:plan_id>/", plans.edit_plan, name="plans-edit"),
    path("plans/<int:plan_id>/default/", plans.make_default, name="plans-default"),
    path("plans/<int:plan_id>/delete/", plans.delete_plan, name="plans-delete"),
    path("plans/<int:plan_id>/move/", plans.move_members, name="plans-move"),
    path("moderation/", moderation.reports, name="moderation"),
    path("moderation/reports/<int:report_id>/", moderation.report, name="moderation-report"),
    path("moderation/comments/", moderation.comments, name="moderation-comments"),
    path("moderation/comments/<int:comment_id>/", moderation.comment, name="moderation-comment"),
]
