"""Forms of the system leaders pages: they parse and validate the fields, nothing more. The rules
(caps, exclusivity, windows, stages) live in the services, whose refusals the views put back into
these forms so the error summary shows them."""

from syslead.leaders.forms.agreements import (
    AgreementPublishForm,
    AgreementSignForm,
    AssociationContactForm,
    GovernanceRoleForm,
)
from syslead.leaders.forms.association import (
    AssociateForm,
    AssociationEndForm,
    AssociationReviewCloseForm,
    AssociationReviewForm,
)
from syslead.leaders.forms.capacity import (
    CapacityPolicyForm,
    HeadteacherReleaseForm,
    ReleaseForm,
)
from syslead.leaders.forms.common import (
    DAYS,
    PHASE_CHOICES,
    Checkboxes,
    OrganisationField,
    OrganisationFormMixin,
    Radios,
    designation_type_choices,
    specialism_choices,
)
from syslead.leaders.forms.designations import (
    ApplicationForm,
    DesignateForm,
    DesignationReviewCloseForm,
    DesignationTypeForm,
    PublicApplicationForm,
    RevokeForm,
    RoundForm,
    StageForm,
)
from syslead.leaders.forms.directory import DirectorySearchForm, PublicDirectoryForm
from syslead.leaders.forms.moves import MoveSchoolForm
from syslead.leaders.forms.profiles import (
    PUBLICATION_FIELDS,
    CoordinatorProfileForm,
    DeclarationForm,
    LeaderCreateForm,
    MyProfileForm,
    ProfileForm,
    SchoolFindForm,
)
from syslead.leaders.forms.training import (
    AttendanceForm,
    TermlyReviewForm,
    TrainingEventForm,
    TrainingFeedbackForm,
    TrainingInviteForm,
)

__all__ = [
    "DAYS",
    "PHASE_CHOICES",
    "PUBLICATION_FIELDS",
    "AgreementPublishForm",
    "AgreementSignForm",
    "ApplicationForm",
    "AssociateForm",
    "AssociationContactForm",
    "AssociationEndForm",
    "AssociationReviewCloseForm",
    "AssociationReviewForm",
    "AttendanceForm",
    "CapacityPolicyForm",
    "Checkboxes",
    "CoordinatorProfileForm",
    "DeclarationForm",
    "DesignateForm",
    "DesignationReviewCloseForm",
    "DesignationTypeForm",
    "DirectorySearchForm",
    "GovernanceRoleForm",
    "HeadteacherReleaseForm",
    "LeaderCreateForm",
    "MoveSchoolForm",
    "MyProfileForm",
    "OrganisationField",
    "OrganisationFormMixin",
    "ProfileForm",
    "PublicApplicationForm",
    "PublicDirectoryForm",
    "Radios",
    "ReleaseForm",
    "RevokeForm",
    "RoundForm",
    "SchoolFindForm",
    "StageForm",
    "TermlyReviewForm",
    "TrainingEventForm",
    "TrainingFeedbackForm",
    "TrainingInviteForm",
    "designation_type_choices",
    "specialism_choices",
]
