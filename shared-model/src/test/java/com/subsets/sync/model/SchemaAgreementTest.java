package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.subsets.sync.model.ContractExamples.Example;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Holds the published JSON Schema and the Java validator to the same verdict on every shared example,
 * so a producer validating with the schema and a dispatcher validating in Java never disagree.
 */
class SchemaAgreementTest {

    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(ContractExamples.schema(), SchemaValidatorsConfig.builder()
                    .formatAssertionsEnabled(true)
                    // The JDK's engine, which reads the patterns' surrogate ranges (\uD800-\uDFFF) the way an
                    // ECMA-262 engine does; Joni works on UTF-8 bytes and refuses a surrogate escape outright.
                    .build());

    private final EventValidator validator = new EventValidator();

    static List<Example> examples() {
        return ContractExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void schemaAndValidatorAgree(Example example) {
        Set<ValidationMessage> schemaProblems = SCHEMA.validate(example.event());
        boolean javaValid = validator.validate(example.event()).isEmpty();

        assertThat(javaValid).as("Java validator verdict").isEqualTo(example.valid());
        assertThat(schemaProblems.isEmpty()).as("schema verdict, schema said %s", schemaProblems)
                .isEqualTo(example.valid());
    }
}
