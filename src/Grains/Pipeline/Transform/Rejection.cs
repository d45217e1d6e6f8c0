namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// Why one record was rejected. <see cref="Reason"/> is the spec's reason code, such as
/// <c>missing_field:campaign_name</c>, <c>invalid_value:currency</c> or <c>too_long:title</c>;
/// <see cref="Detail"/> is a short sentence for administrators ("check digit 3, expected 7",
/// "'XYZ' is not an ISO 4217 currency code", "256 code points, at most 255") that quotes at most
/// about 60 characters of the offending value.
/// </summary>
public readonly record struct Rejection(string Reason, string Detail);
