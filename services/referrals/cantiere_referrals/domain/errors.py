"""Refusals of the referrals domain, in words a social worker understands (Italian first, English beside)."""

from __future__ import annotations

from cantiere_runtime.errors import Conflict, NotFound, Unprocessable


class DomainError(Unprocessable):
    """A command the rules of the programme refuse."""


class PersonNotFound(NotFound):
    """No person with that id in this municipality (or none the caller may see)."""

    def __init__(self) -> None:
        super().__init__("Persona non trovata.", "Person not found.", code="person_not_found")


class PersonAlreadyRegistered(Conflict):
    """A registration reused an existing person id."""

    def __init__(self) -> None:
        super().__init__("Questa persona è già registrata.", "This person is already registered.")


class TaxCodeAlreadyRegistered(Conflict):
    """The municipality already holds a person with this tax code (in any of its spellings).

    Names the existing person only to a caller who may see them; anyone else gets a plain refusal.
    """

    code = "tax_code_already_registered"

    def __init__(self, existing_person_id: str | None) -> None:
        if existing_person_id:
            super().__init__(
                "Una persona con questo codice fiscale è già registrata: apri la sua scheda.",
                "A person with this tax code is already registered: open their file.",
            )
        else:
            super().__init__(
                "Una persona con questo codice fiscale è già registrata in questo comune.",
                "A person with this tax code is already registered in this municipality.",
            )
        self.existing_person_id = existing_person_id

    def body(self) -> dict[str, str]:
        body = super().body()
        if self.existing_person_id:
            body["person_id"] = self.existing_person_id
        return body


class PersonIsErased(Conflict):
    """The person's personal data were erased: nothing more can be done for them."""

    code = "person_erased"

    def __init__(self) -> None:
        super().__init__(
            "I dati di questa persona sono stati cancellati: non è possibile fare altro.",
            "This person's data were erased: nothing more can be done.",
        )


class EligibilityMissing(DomainError):
    """A referral needs eligibility confirmed first."""

    code = "eligibility_missing"

    def __init__(self) -> None:
        super().__init__(
            "Prima di inviare la segnalazione va confermata l'idoneità al programma.",
            "Eligibility for the programme must be confirmed before the referral is submitted.",
        )


class ConsentMissing(DomainError):
    """An action needs a consent the person has not given (or withdrew)."""

    code = "consent_missing"

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"Manca il consenso della persona per: {scope}.",
            f"The person has not given consent for: {scope}.",
        )
        self.scope = scope


class ConsentNotGiven(DomainError):
    """Only a consent that was given can be withdrawn."""

    code = "consent_not_given"

    def __init__(self, scope: str) -> None:
        super().__init__(
            f"Non risulta un consenso da revocare per: {scope}.", f"There is no consent to withdraw for: {scope}."
        )


class ReferralAlreadyOpen(DomainError):
    """A person has at most one open referral at a time."""

    code = "referral_already_open"

    def __init__(self) -> None:
        super().__init__("Questa persona ha già una segnalazione aperta.", "This person already has an open referral.")


class NoOpenReferral(DomainError):
    """Withdrawing or closing needs an open referral (reopening is a new referral)."""

    code = "no_open_referral"

    def __init__(self) -> None:
        super().__init__(
            "Non c'è una segnalazione aperta: per riaprire, invia una nuova segnalazione.",
            "There is no open referral: to reopen, submit a new referral.",
        )


class InvalidVatNumber(DomainError):
    """An excluded host's VAT number fails its check digit."""

    code = "invalid_vat_number"

    def __init__(self) -> None:
        super().__init__("Partita IVA non valida.", "Invalid VAT number.")


class InvalidTaxCode(DomainError):
    """A codice fiscale fails its format or check character (the value is never echoed)."""

    code = "invalid_tax_code"

    def __init__(self) -> None:
        super().__init__("Codice fiscale non valido.", "Invalid tax code.")


class InvalidBirthDate(DomainError):
    """A birth date in the future."""

    code = "invalid_birth_date"

    def __init__(self) -> None:
        super().__init__("La data di nascita non può essere nel futuro.", "The birth date cannot be in the future.")
