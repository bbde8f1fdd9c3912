using System.Net.Mail;
using System.Text;

namespace Parley.Domain.Clients;

public static class ContactValidation
{
    public static bool IsEmail(string value) =>
        value.Length <= 254 && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value && parsed.Host.Contains('.', StringComparison.Ordinal);

    /// <summary>Normalizes a typed phone to E.164: "+38 (050) 123-45-67" → "+380501234567"; null if it cannot be one.</summary>
    public static string? ToE164(string value)
    {
        var trimmed = value.Trim();
        var digits = new StringBuilder();
        foreach (var c in trimmed)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c is not (' ' or '-' or '(' or ')' or '.' or '+')) return null;
        }

        if (!trimmed.StartsWith('+') && !trimmed.StartsWith("00", StringComparison.Ordinal)) return null;
        var number = trimmed.StartsWith("00", StringComparison.Ordinal) ? digits.ToString()[2..] : digits.ToString();
        return number.Length is >= 8 and <= 15 && number[0] != '0' ? "+" + number : null;
    }
}
