using System.Text.Json.Nodes;
using Sync.CrmSimulator.Errors;
using Sync.CrmSimulator.Schema;

namespace Sync.CrmSimulator.Writing;

/// <summary>The fields a caller sent, in their canonical stored form; unknown, read-only and invalid ones become errors.</summary>
public static class IncomingFields
{
    /// <param name="creating">True for a create (createable fields), false for an update (updateable ones).</param>
    public static Dictionary<string, string?> Read(SObjectDescribe type, JsonObject body, bool creating, List<CrmApiError> errors)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        var notWritable = new List<string>();
        foreach (var (name, value) in body)
        {
            if (name == "attributes")
                continue;
            if (type.Field(name) is not { } field)
            {
                errors.Add(CrmApiError.InvalidField($"No such column '{name}' on sobject of type {type.Name}", name));
                continue;
            }
            if (field.Name == SObjectSchema.Id)
            {
                if (creating)
                    errors.Add(CrmApiError.InvalidField("cannot specify Id in an insert call", SObjectSchema.Id));
                continue;
            }
            if (creating ? !field.Createable : !field.Updateable)
            {
                notWritable.Add(field.Name);
                continue;
            }
            if (FieldValues.TryCanonicalize(field, value, out var canonical, out var error))
                fields[field.Name] = canonical;
            else
                errors.Add(error!);
        }
        if (notWritable.Count > 0)
            errors.Add(CrmApiError.NotWritable(notWritable));
        return fields;
    }
}
