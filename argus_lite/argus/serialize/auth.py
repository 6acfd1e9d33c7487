"""Users and phone numbers as the API shows them (USR-1, USR-2, PHN-1)."""


def user(row):
    return {"username": row.username, "first_name": row.first_name, "last_name": row.last_name,
            "email": row.email}


def phone_number(destination):
    """PHN-1: an SMS destination seen through the v1 shape."""
    return {"pk": destination.id, "user": destination.user_id, "phone_number": destination.address}
